using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SimNet;
using SimNet.Topology;
using RealSocket = System.Net.Sockets.Socket;
using SimSocket = SimNet.Sockets.Socket;

/// <summary>
/// The two UDP rows as plain timed loops beside real loopback in the same process: 64 B synchronous
/// send + receive (the allocation-free <see cref="SocketAddress"/> overloads, as <see cref="UdpDatagramBenchmarks"/>),
/// and an async ping-pong with <c>await SendToAsync</c> / <c>await ReceiveFromAsync</c> (EndPoint overloads).
/// SimNet and loopback alternate in rounds and each side's best round counts, so a burst of load on the
/// shared machine hits neither side alone.
/// </summary>
internal static class UdpRows
{
    public static void Run(bool quick)
    {
        int rounds = quick ? 5 : 9;
        Console.WriteLine();
        Console.WriteLine("## UDP 64 B, SimNet (two hosts, zero-latency segment) beside real loopback, best of " + rounds + " alternating rounds");
        Console.WriteLine("| what | real loopback ns per datagram | SimNet ns per datagram | SimNet vs loopback | SimNet allocated per datagram |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        using (var sync = new SyncPair())
        {
            Row("synchronous SendTo + ReceiveFrom (SocketAddress)", rounds, quick ? 20_000 : 50_000, sync.Real, sync.Sim);
        }

        var pingPong = new AsyncPair();
        Row("async ping-pong: await SendToAsync + await ReceiveFromAsync", rounds, quick ? 5_000 : 20_000, pingPong.Real, pingPong.Sim);
    }

    private static void Row(string what, int rounds, int count, Func<int, long> real, Func<int, long> sim)
    {
        real(count / 10);
        sim(count / 10);
        double bestReal = double.MaxValue, bestSim = double.MaxValue;
        long simAllocated = long.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            real(count);
            bestReal = Math.Min(bestReal, sw.Elapsed.TotalNanoseconds / count);
            sw.Restart();
            long allocated = sim(count);
            bestSim = Math.Min(bestSim, sw.Elapsed.TotalNanoseconds / count);
            simAllocated = Math.Min(simAllocated, allocated);
            Thread.Sleep(50);
        }

        Console.WriteLine($"| {what} | {bestReal:N0} | {bestSim:N0} | **{bestReal / bestSim:N1}×** | {(double)simAllocated / count:N1} B |");
    }

    /// <summary>Two hosts, a (10.0.0.1) and b (10.0.0.2), on one zero-latency segment, events not kept.</summary>
    internal static (Simulation, Host, Host) World()
    {
        var sim = new Simulation(seed: 1);
        sim.Trace.KeepEvents = false;
        Segment lan = sim.AddSegment("lan");
        Host a = sim.AddHost("a");
        a.AddAdapter("eth0", lan, "10.0.0.1/24");
        Host b = sim.AddHost("b");
        b.AddAdapter("eth0", lan, "10.0.0.2/24");
        return (sim, a, b);
    }

    private sealed class SyncPair : IDisposable
    {
        private readonly byte[] payload = new byte[64];
        private readonly byte[] buffer = new byte[2048];
        private readonly SimSocket simTx, simRx;
        private readonly SocketAddress simTo = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000).Serialize();
        private readonly SocketAddress simFrom = new IPEndPoint(IPAddress.Any, 0).Serialize();
        private readonly RealSocket realTx, realRx;
        private readonly SocketAddress realTo, realFrom = new IPEndPoint(IPAddress.Any, 0).Serialize();

        public SyncPair()
        {
            (_, Host a, Host b) = World();
            simRx = new SimSocket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            simRx.Bind(new IPEndPoint(IPAddress.Any, 5000));
            simTx = new SimSocket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            realRx = new RealSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            realRx.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            realRx.ReceiveTimeout = 5000;
            realTx = new RealSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            realTo = realRx.LocalEndPoint!.Serialize();
        }

        public long Real(int count)
        {
            for (int i = 0; i < count; i++)
            {
                realTx.SendTo(payload, SocketFlags.None, realTo);
                realRx.ReceiveFrom(buffer, SocketFlags.None, realFrom);
            }

            return 0;
        }

        public long Sim(int count)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < count; i++)
            {
                simTx.SendTo(payload, SocketFlags.None, simTo);
                simRx.ReceiveFrom(buffer, SocketFlags.None, simFrom);
            }

            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        public void Dispose()
        {
            simTx.Dispose();
            simRx.Dispose();
            realTx.Dispose();
            realRx.Dispose();
        }
    }

    /// <summary>
    /// The ValueTask overloads (<see cref="Memory{T}"/> buffers) on both sides: a <c>byte[]</c> argument would bind
    /// to the <c>ArraySegment</c> overloads, which return a <see cref="Task"/> and allocate one per call on either stack.
    /// </summary>
    internal sealed class AsyncPair
    {
        private readonly Memory<byte> payload = new byte[64];
        private readonly Memory<byte> buffer = new byte[2048];

        public long Real(int count)
        {
            using var rx = new RealSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            rx.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            using var tx = new RealSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            EndPoint to = rx.LocalEndPoint!;
            EndPoint any = new IPEndPoint(IPAddress.Any, 0);
            Task.Run(async () =>
            {
                for (int i = 0; i < count; i++)
                {
                    await tx.SendToAsync(payload, SocketFlags.None, to).ConfigureAwait(false);
                    await rx.ReceiveFromAsync(buffer, SocketFlags.None, any).ConfigureAwait(false);
                }
            }).GetAwaiter().GetResult();
            return 0;
        }

        public long Sim(int count)
        {
            (Simulation sim, Host a, Host b) = World();
            long allocated = 0;
            sim.Run(a, async () =>
            {
                using var rx = new SimSocket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                rx.Bind(new IPEndPoint(IPAddress.Any, 5000));
                using var tx = new SimSocket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                EndPoint to = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000);
                EndPoint any = new IPEndPoint(IPAddress.Any, 0);
                for (int i = 0; i < 100; i++)
                {
                    await tx.SendToAsync(payload, SocketFlags.None, to);
                    await rx.ReceiveFromAsync(buffer, SocketFlags.None, any);
                }

                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < count; i++)
                {
                    await tx.SendToAsync(payload, SocketFlags.None, to);
                    await rx.ReceiveFromAsync(buffer, SocketFlags.None, any);
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            });
            return allocated;
        }
    }
}
