using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using Xunit;
using SimSocket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Performance;

/// <summary>
/// The socket APIs' one waiter type is pooled per socket and direction: async I/O that has to wait allocates
/// nothing in steady state. Counted on the driving thread (where every completion and ConfigureAwait(false)
/// continuation runs) with <see cref="GC.GetAllocatedBytesForCurrentThread"/>; bench/ <c>io-alloc</c> reports the figures.
/// </summary>
public class AsyncIoAllocationTests
{
    private const int Warmup = 200;
    private const int Measured = 2_000;

    private static Simulation World(out Host a, out Host b)
    {
        var sim = new Simulation(seed: 7);
        sim.Trace.KeepEvents = false;
        Segment lan = sim.AddSegment("lan");
        a = sim.AddHost("a");
        a.AddAdapter("eth0", lan, "10.0.0.1/24");
        b = sim.AddHost("b");
        b.AddAdapter("eth0", lan, "10.0.0.2/24");
        return sim;
    }

    [Fact]
    public void Udp_ReceiveFromAsync_ping_pong_allocates_nothing_per_datagram_in_steady_state()
    {
        Simulation sim = World(out Host a, out Host b);
        using var ping = new SimSocket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        ping.Bind(new IPEndPoint(IPAddress.Any, 4000));
        using var pong = new SimSocket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        pong.Bind(new IPEndPoint(IPAddress.Any, 5000));
        EndPoint toPong = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000);
        EndPoint toPing = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 4000);
        byte[] payload = new byte[64];
        byte[] sinkA = new byte[2048];
        byte[] sinkB = new byte[2048];
        int wrong = 0; // checked after the loop: xunit's Assert.Equal allocates
        long allocated = sim.Run(async () =>
        {
            long before = 0;
            for (int i = 0; i < Warmup + Measured; i++)
            {
                before = i == Warmup ? GC.GetAllocatedBytesForCurrentThread() : before;
                ValueTask<SocketReceiveFromResult> atPong = pong.ReceiveFromAsync(sinkB.AsMemory(), toPing);
                await ping.SendToAsync(payload.AsMemory(), toPong).ConfigureAwait(false);
                wrong += (await atPong.ConfigureAwait(false)).ReceivedBytes == 64 ? 0 : 1;
                ValueTask<SocketReceiveFromResult> atPing = ping.ReceiveFromAsync(sinkA.AsMemory(), toPong);
                await pong.SendToAsync(payload.AsMemory(), toPing).ConfigureAwait(false);
                wrong += ReferenceEquals((await atPing.ConfigureAwait(false)).RemoteEndPoint, toPong) ? 0 : 1; // the given endpoint, handed back
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.Equal(0, wrong);

        // Less than a byte per datagram on average: a pool growing once is allowed, a per-datagram object is not.
        Assert.True(allocated < 2 * Measured, $"{allocated} bytes for {2 * Measured} datagrams");
    }

    /// <param name="onContext">Awaited on the simulation's context (no ConfigureAwait) rather than with ConfigureAwait(false).</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NetworkStream_write_then_pending_read_allocates_nothing_per_operation_in_steady_state(bool onContext)
    {
        Simulation sim = World(out Host a, out Host b);
        using var listener = new SimSocket(b, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen();
        var client = new SimSocket(a, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 80));
        using var writer = new SimNet.Sockets.NetworkStream(client, ownsSocket: true);
        using var reader = new SimNet.Sockets.NetworkStream(listener.Accept(), ownsSocket: true);
        byte[] payload = new byte[64];
        byte[] sink = new byte[64];
        int wrong = 0; // checked after the loop: xunit's Assert.Equal allocates
        long allocated = sim.Run(async () =>
        {
            long before = 0;
            for (int i = 0; i < Warmup + Measured; i++)
            {
                before = i == Warmup ? GC.GetAllocatedBytesForCurrentThread() : before;
                ValueTask<int> read = reader.ReadAsync(sink); // waits: nothing sent yet
                await writer.WriteAsync(payload).ConfigureAwait(onContext);
                wrong += await read.ConfigureAwait(onContext) == 64 ? 0 : 1;
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.Equal(0, wrong);
        Assert.True(allocated < Measured, $"{allocated} bytes for {Measured} write + read pairs");
    }
    [Fact]
    public void A_receive_awaited_on_the_simulations_context_resumes_there_in_one_step_and_allocates_nothing()
    {
        Simulation sim = World(out Host a, out Host b);
        using var ping = new SimSocket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        ping.Bind(new IPEndPoint(IPAddress.Any, 4000));
        ping.Connect(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
        using var pong = new SimSocket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        pong.Bind(new IPEndPoint(IPAddress.Any, 5000));
        pong.Connect(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 4000));
        byte[] payload = new byte[64];
        byte[] sink = new byte[2048];
        int wrong = 0; // checked after the loop: xunit's Assert.Equal allocates
        long allocated = sim.Run(async () =>
        {
            SynchronizationContext? context = SynchronizationContext.Current;
            long before = 0;
            for (int i = 0; i < Warmup + Measured; i++)
            {
                before = i == Warmup ? GC.GetAllocatedBytesForCurrentThread() : before;
                ValueTask<int> atPong = pong.ReceiveAsync(sink.AsMemory(), SocketFlags.None);
                await ping.SendAsync(payload.AsMemory(), SocketFlags.None);
                wrong += await atPong == 64 ? 0 : 1; // no ConfigureAwait: resumes on the simulation's context
                wrong += ReferenceEquals(SynchronizationContext.Current, context) ? 0 : 1;
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.Equal(0, wrong);
        Assert.True(allocated < Measured, $"{allocated} bytes for {Measured} datagrams awaited on the simulation's context");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_receive_awaited_on_the_simulations_context_ends_after_Close_or_Cancel_returns_never_inside_it(bool close)
    {
        Simulation sim = World(out Host a, out _);
        var rx = new SimSocket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rx.Bind(new IPEndPoint(IPAddress.Any, 4000));
        using var cts = new CancellationTokenSource();
        var log = new List<string>();
        sim.Run(async () =>
        {
            SynchronizationContext? context = SynchronizationContext.Current;
            async Task ReceiveAsync()
            {
                try
                {
                    await rx.ReceiveAsync(new byte[16].AsMemory(), SocketFlags.None, cts.Token);
                    log.Add("received");
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    log.Add(e.GetType().Name);
                }

                log.Add(ReferenceEquals(SynchronizationContext.Current, context) ? "on the context" : "elsewhere");
            }

            Task receiving = ReceiveAsync();
            if (close)
            {
                rx.Dispose();
            }
            else
            {
                cts.Cancel();
            }

            log.Add("returned");
            await receiving;
        });

        Assert.Equal("returned", log[0]);
        Assert.Equal(close ? nameof(SocketException) : nameof(OperationCanceledException), log[1]);
        Assert.Equal("on the context", log[2]);
    }
}
