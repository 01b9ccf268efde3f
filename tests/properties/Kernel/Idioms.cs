using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using SimNet.Names;
using SimNet.Topology;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Sockets;
using SimNet.Windows.Storage.Streams;
using Dns = SimNet.Sockets.Dns;
using NetworkStream = SimNet.Sockets.NetworkStream;
using Socket = SimNet.Sockets.Socket;
using TcpClient = SimNet.Sockets.TcpClient;
using TcpListener = SimNet.Sockets.TcpListener;
using UdpClient = SimNet.Sockets.UdpClient;

namespace SimNet.Properties.Kernel;

/// <summary>A generated scenario: the seed, how many request/reply rounds, and the link.</summary>
internal sealed record IdiomCase(long Seed, int Rounds, int LatencyMs, int JitterMs, double LossRate)
{
    public override string ToString() => $"seed={Seed} rounds={Rounds} latency={LatencyMs}ms jitter={JitterMs}ms loss={LossRate:0.00}";
}

/// <summary>How far an idiom's guarantee goes (README's determinism table).</summary>
internal enum Guarantee
{
    /// <summary>Same trace every run: every continuation runs on the driving thread.</summary>
    Deterministic,

    /// <summary>No false deadlock, virtual time held while the work runs, but concurrent thread-pool work interleaves freely.</summary>
    Correct,
}

/// <summary>
/// One way real .NET code talks to the network. <see cref="Body"/> plays the client: it runs
/// <see cref="IdiomCase.Rounds"/> request/reply rounds with the echo servers and calls
/// <see cref="IdiomRun.Mark"/> at each reply. <see cref="Twin"/> names the plain-await idiom it must
/// match in virtual time.
/// </summary>
internal sealed record Idiom(string Name, string Twin, Guarantee Guarantee, bool Tcp, Func<IdiomRun, Task> Body)
{
    public override string ToString() => Name;
}

/// <summary>The world an idiom runs in: an echo server (TCP 7, UDP 9), a DNS server, and the client host.</summary>
internal sealed class IdiomRun
{
    public const int TcpPort = 7;
    public const int UdpPort = 9;
    public static readonly IPAddress Server = IPAddress.Parse("10.0.0.1");

    private readonly List<long> marks = new();

    public IdiomRun(IdiomCase c, bool lossy)
    {
        Case = c;
        Sim = new Simulation(c.Seed);
        Segment lan = Sim.AddSegment("lan");
        lan.Conditions = new LinkConditions
        {
            Latency = TimeSpan.FromMilliseconds(c.LatencyMs),
            Jitter = TimeSpan.FromMilliseconds(c.JitterMs),
            LossRate = lossy ? c.LossRate : 0,
        };
        Host server = Sim.AddHost("srv", EchoServers);
        server.AddAdapter("eth0", lan, "10.0.0.1/24");
        Host ns = Sim.AddHost("ns");
        ns.AddAdapter("eth0", lan, "10.0.0.53/24");
        DnsServer.Start(ns).UseForAllHosts();
        Client = Sim.AddHost("cli");
        Client.AddAdapter("eth0", lan, "10.0.0.2/24");
    }

    public IdiomCase Case { get; }

    public Simulation Sim { get; }

    public Host Client { get; }

    public IReadOnlyList<long> Marks => marks;

    public void Mark() => marks.Add(Sim.Clock.Elapsed.Ticks);

    /// <summary>The request of round <paramref name="i"/>: sizes vary with the seed, content with the round.</summary>
    public byte[] Request(int i)
    {
        int size = 1 + (int)((Case.Seed + (i * 7919)) % 300 + 300) % 300;
        var b = new byte[size];
        b.AsSpan().Fill((byte)('a' + (i % 26)));
        b[^1] = (byte)'\n';
        return b;
    }

    /// <summary>Runs the idiom as the client host's code; returns the trace hash, the reply times and how often code left the driving thread.</summary>
    public (ulong Hash, long[] Marks, long Departures) Play(Idiom idiom)
    {
        Client.Run(() => idiom.Body(this));
        return (Sim.Trace.Hash, marks.ToArray(), Sim.Trace.ThreadPoolDepartures);
    }

    private static async Task EchoServers(Host host, CancellationToken stop)
    {
        Simulation sim = host.Simulation;
        _ = sim.Spawn(host, async () =>
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Any, UdpPort));
            var buffer = new byte[2048];
            while (true)
            {
                SocketReceiveFromResult r = await udp.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
                await udp.SendToAsync(buffer.AsMemory(0, r.ReceivedBytes), SocketFlags.None, r.RemoteEndPoint);
            }
        });

        var listener = new TcpListener(IPAddress.Any, TcpPort);
        listener.Start(100);
        while (true)
        {
            TcpClient peer = await listener.AcceptTcpClientAsync();
            _ = sim.Spawn(host, async () =>
            {
                using (peer)
                {
                    NetworkStream s = peer.GetStream();
                    var buffer = new byte[4096];
                    int n;
                    while ((n = await s.ReadAsync(buffer)) > 0)
                    {
                        await s.WriteAsync(buffer.AsMemory(0, n));
                    }
                }
            });
        }
    }

    // ------------------------------------------------------------------ the idioms

    public static IReadOnlyList<Idiom> All { get; } = new Idiom[]
    {
        new("udp-socket", "udp-socket", Guarantee.Deterministic, false, r => UdpSocket(r, false)),
        new("udp-socket-cafalse", "udp-socket", Guarantee.Deterministic, false, r => UdpSocket(r, true)),
        new("udpclient-cafalse", "udp-socket", Guarantee.Deterministic, false, UdpClientCaFalse),
        new("delay-clock-cafalse", "udp-socket", Guarantee.Deterministic, false, DelayCaFalse),
        new("dns", "dns", Guarantee.Deterministic, false, r => DnsThenUdp(r, false)),
        new("dns-cafalse", "dns", Guarantee.Deterministic, false, r => DnsThenUdp(r, true)),
        new("winrt-datagramsocket-cafalse", "udp-socket", Guarantee.Deterministic, false, WinRT),
        new("semaphore", "udp-socket", Guarantee.Deterministic, false, r => Semaphore(r, timeout: false)),
        new("semaphore-timeout-cafalse", "udp-socket", Guarantee.Deterministic, false, r => Semaphore(r, timeout: true)),
        new("channel-cafalse", "udp-socket", Guarantee.Deterministic, false, ChannelCaFalse),
        new("task-run", "udp-socket", Guarantee.Deterministic, false, TaskRun),
        new("polly-retry-timeout", "udp-socket", Guarantee.Deterministic, false, r => Polly(r, continueOnCapturedContext: false)),
        new("tcp-stream", "tcp-stream", Guarantee.Deterministic, true, r => TcpStream(r, false)),
        new("tcp-stream-cafalse", "tcp-stream", Guarantee.Deterministic, true, r => TcpStream(r, true)),
        new("tcp-socket-cafalse", "tcp-stream", Guarantee.Deterministic, true, TcpSocketCaFalse),
        new("read-exactly", "tcp-stream", Guarantee.Deterministic, true, r => StreamHelper(r, ReadExactly)),
        new("read-at-least", "tcp-stream", Guarantee.Deterministic, true, r => StreamHelper(r, ReadAtLeast)),
        new("stream-reader-writer", "tcp-stream", Guarantee.Deterministic, true, ReaderWriter),
        new("pipe-reader", "tcp-stream", Guarantee.Deterministic, true, PipeReaderIdiom),
        new("copy-to", "copy-to", Guarantee.Deterministic, true, CopyTo),
        new("whenall-100-clients", "whenall-100-clients", Guarantee.Deterministic, true, r => HundredClients(r, taskRun: false)),
        new("whenall-100-clients-task-run", "whenall-100-clients", Guarantee.Correct, true, r => HundredClients(r, taskRun: true)),
    };

    public static Idiom Named(string name) => All.First(i => i.Name == name);

    private static readonly IPEndPoint UdpServer = new(Server, UdpPort);

    private static async Task UdpSocket(IdiomRun r, bool caFalse)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var buffer = new byte[2048];
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            await s.SendToAsync(r.Request(i), SocketFlags.None, UdpServer).ConfigureAwait(!caFalse);
            await s.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).ConfigureAwait(!caFalse);
            r.Mark();
        }
    }

    private static async Task UdpClientCaFalse(IdiomRun r)
    {
        using var c = new UdpClient(AddressFamily.InterNetwork);
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            await c.SendAsync(r.Request(i), UdpServer).ConfigureAwait(false);
            await c.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
            r.Mark();
        }
    }

    private static async Task DelayCaFalse(IdiomRun r)
    {
        // The twin sends at once; a zero delay on the clock must not move time or order.
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var buffer = new byte[2048];
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            await Task.Delay(TimeSpan.Zero, r.Sim.Clock).ConfigureAwait(false);
            await s.SendToAsync(r.Request(i), SocketFlags.None, UdpServer).ConfigureAwait(false);
            await s.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).ConfigureAwait(false);
            r.Mark();
        }

        // And a real wait on the clock, after the last mark: time moves by exactly that much.
        long before = r.Sim.Clock.Elapsed.Ticks;
        await Task.Delay(TimeSpan.FromMilliseconds(3), r.Sim.Clock).ConfigureAwait(false);
        if (r.Sim.Clock.Elapsed.Ticks - before != TimeSpan.FromMilliseconds(3).Ticks)
        {
            throw new InvalidOperationException("Task.Delay on the clock did not last its virtual time");
        }
    }

    private static async Task DnsThenUdp(IdiomRun r, bool caFalse)
    {
        // Resolve through the simulated DNS server first, then talk to the address found.
        IPAddress[] found = await Dns.GetHostAddressesAsync("srv").ConfigureAwait(!caFalse);
        if (!found.Contains(Server))
        {
            throw new InvalidOperationException("srv did not resolve to 10.0.0.1");
        }

        await UdpSocket(r, caFalse).ConfigureAwait(!caFalse);
    }

    private static async Task WinRT(IdiomRun r)
    {
        var replies = Channel.CreateUnbounded<bool>();
        var socket = new DatagramSocket();
        socket.MessageReceived += (_, e) => replies.Writer.TryWrite(true);
        await socket.ConnectAsync(new HostName("10.0.0.1"), UdpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false);
        var writer = new DataWriter(socket.OutputStream);
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            writer.WriteBytes(r.Request(i));
            await writer.StoreAsync().ConfigureAwait(false);
            await replies.Reader.ReadAsync().ConfigureAwait(false);
            r.Mark();
        }

        socket.Dispose();
    }

    private static async Task Semaphore(IdiomRun r, bool timeout)
    {
        // Two workers share one socket, one round at a time, handing over through a semaphore.
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var turn = new SemaphoreSlim(1, 1);
        var buffer = new byte[2048];
        int next = 0;
        async Task Worker()
        {
            while (true)
            {
                if (timeout)
                {
                    if (!await turn.WaitAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false))
                    {
                        throw new TimeoutException();
                    }
                }
                else
                {
                    await turn.WaitAsync();
                }

                try
                {
                    if (next == r.Case.Rounds)
                    {
                        return;
                    }

                    int i = next++;
                    await s.SendToAsync(r.Request(i), SocketFlags.None, UdpServer).ConfigureAwait(!timeout);
                    await s.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).ConfigureAwait(!timeout);
                    r.Mark();
                }
                finally
                {
                    turn.Release();
                }
            }
        }

        await Task.WhenAll(Worker(), Worker());
    }

    private static async Task ChannelCaFalse(IdiomRun r)
    {
        // A receiving loop feeds a channel; the sender waits on it for each reply.
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Any, 0));
        var replies = Channel.CreateUnbounded<int>();
        Task pump = Task.Run(async () =>
        {
            var buffer = new byte[2048];
            for (int i = 0; i < r.Case.Rounds; i++)
            {
                SocketReceiveFromResult got = await s.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).ConfigureAwait(false);
                await replies.Writer.WriteAsync(got.ReceivedBytes).ConfigureAwait(false);
            }
        });
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            await s.SendToAsync(r.Request(i), SocketFlags.None, UdpServer).ConfigureAwait(false);
            await replies.Reader.ReadAsync().ConfigureAwait(false);
            r.Mark();
        }

        await pump.ConfigureAwait(false);
    }

    private static async Task TaskRun(IdiomRun r)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var buffer = new byte[2048];
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            int round = i;
            await Task.Run(async () =>
            {
                await s.SendToAsync(r.Request(round), SocketFlags.None, UdpServer);
                await s.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
            });
            r.Mark();
        }
    }

    private static async Task Polly(IdiomRun r, bool continueOnCapturedContext)
    {
        // Polly v8 defaults (ContinueOnCapturedContext false), its delays and timeouts on the simulation's clock.
        ResiliencePipeline pipeline = new ResiliencePipelineBuilder { TimeProvider = r.Sim.Clock }
            .AddRetry(new RetryStrategyOptions { MaxRetryAttempts = 3, Delay = TimeSpan.FromMilliseconds(20), BackoffType = DelayBackoffType.Exponential })
            .AddTimeout(TimeSpan.FromSeconds(2))
            .Build();
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var buffer = new byte[2048];
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            ResilienceContext context = ResilienceContextPool.Shared.Get(continueOnCapturedContext);
            try
            {
                int round = i;
                await pipeline.ExecuteAsync(
                    async (ctx, state) =>
                    {
                        await s.SendToAsync(state.r.Request(state.round), SocketFlags.None, UdpServer, ctx.CancellationToken).ConfigureAwait(ctx.ContinueOnCapturedContext);
                        await s.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), ctx.CancellationToken).ConfigureAwait(ctx.ContinueOnCapturedContext);
                    },
                    context,
                    (r, round)).ConfigureAwait(continueOnCapturedContext);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }

            r.Mark();
        }
    }

    private static async Task TcpStream(IdiomRun r, bool caFalse)
    {
        using var c = new TcpClient(AddressFamily.InterNetwork);
        await c.ConnectAsync(Server, TcpPort).ConfigureAwait(!caFalse);
        NetworkStream s = c.GetStream();
        var buffer = new byte[4096];
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            byte[] request = r.Request(i);
            await s.WriteAsync(request).ConfigureAwait(!caFalse);
            int got = 0;
            while (got < request.Length)
            {
                int n = await s.ReadAsync(buffer.AsMemory(got, request.Length - got)).ConfigureAwait(!caFalse);
                if (n == 0)
                {
                    throw new EndOfStreamException();
                }

                got += n;
            }

            r.Mark();
        }
    }

    private static async Task TcpSocketCaFalse(IdiomRun r)
    {
        using var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await c.ConnectAsync(new IPEndPoint(Server, TcpPort)).ConfigureAwait(false);
        var buffer = new byte[4096];
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            byte[] request = r.Request(i);
            await c.SendAsync(request, SocketFlags.None).ConfigureAwait(false);
            int got = 0;
            while (got < request.Length)
            {
                got += await c.ReceiveAsync(buffer.AsMemory(got, request.Length - got), SocketFlags.None).ConfigureAwait(false);
            }

            r.Mark();
        }
    }

    private static async Task ReadExactly(NetworkStream s, byte[] buffer, int length) =>
        await s.ReadExactlyAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);

    private static async Task ReadAtLeast(NetworkStream s, byte[] buffer, int length)
    {
        int got = 0;
        while (got < length)
        {
            got += await s.ReadAtLeastAsync(buffer.AsMemory(got, length - got), length - got).ConfigureAwait(false);
        }
    }

    private static async Task StreamHelper(IdiomRun r, Func<NetworkStream, byte[], int, Task> read)
    {
        using var c = new TcpClient(AddressFamily.InterNetwork);
        await c.ConnectAsync(Server, TcpPort).ConfigureAwait(false);
        NetworkStream s = c.GetStream();
        var buffer = new byte[4096];
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            byte[] request = r.Request(i);
            await s.WriteAsync(request).ConfigureAwait(false);
            await read(s, buffer, request.Length).ConfigureAwait(false);
            r.Mark();
        }
    }

    private static async Task ReaderWriter(IdiomRun r)
    {
        using var c = new TcpClient(AddressFamily.InterNetwork);
        await c.ConnectAsync(Server, TcpPort).ConfigureAwait(false);
        NetworkStream s = c.GetStream();
        using var reader = new StreamReader(s, Encoding.ASCII, false, 4096, leaveOpen: true);
        await using var writer = new StreamWriter(s, Encoding.ASCII, 4096, leaveOpen: true);
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            byte[] request = r.Request(i);
            await writer.WriteAsync(Encoding.ASCII.GetString(request)).ConfigureAwait(false);
            await writer.FlushAsync().ConfigureAwait(false);
            string? line = await reader.ReadLineAsync().ConfigureAwait(false);
            if (line is null || line.Length != request.Length - 1)
            {
                throw new InvalidDataException($"round {i}: expected {request.Length - 1} characters, got {line?.Length}");
            }

            r.Mark();
        }
    }

    private static async Task PipeReaderIdiom(IdiomRun r)
    {
        using var c = new TcpClient(AddressFamily.InterNetwork);
        await c.ConnectAsync(Server, TcpPort).ConfigureAwait(false);
        NetworkStream s = c.GetStream();
        PipeReader pipe = PipeReader.Create(s, new StreamPipeReaderOptions(leaveOpen: true));
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            byte[] request = r.Request(i);
            await s.WriteAsync(request).ConfigureAwait(false);
            while (true)
            {
                ReadResult result = await pipe.ReadAsync().ConfigureAwait(false);
                if (result.Buffer.Length >= request.Length)
                {
                    pipe.AdvanceTo(result.Buffer.GetPosition(request.Length));
                    break;
                }

                if (result.IsCompleted)
                {
                    throw new EndOfStreamException();
                }

                pipe.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            }

            r.Mark();
        }

        await pipe.CompleteAsync().ConfigureAwait(false);
    }

    private static async Task CopyTo(IdiomRun r)
    {
        // Write every request, close the sending side, and copy the echo until the server closes.
        using var c = new TcpClient(AddressFamily.InterNetwork);
        await c.ConnectAsync(Server, TcpPort).ConfigureAwait(false);
        NetworkStream s = c.GetStream();
        long total = 0;
        for (int i = 0; i < r.Case.Rounds; i++)
        {
            byte[] request = r.Request(i);
            total += request.Length;
            await s.WriteAsync(request).ConfigureAwait(false);
        }

        c.Client.Shutdown(SocketShutdown.Send);
        var copy = new MemoryStream();
        await s.CopyToAsync(copy).ConfigureAwait(false);
        if (copy.Length != total)
        {
            throw new InvalidDataException($"copied {copy.Length} of {total} bytes");
        }

        r.Mark();
    }

    private static async Task HundredClients(IdiomRun r, bool taskRun)
    {
        async Task One(int k)
        {
            using var c = new TcpClient(AddressFamily.InterNetwork);
            await c.ConnectAsync(Server, TcpPort);
            NetworkStream s = c.GetStream();
            byte[] request = r.Request(k);
            await s.WriteAsync(request);
            await s.ReadExactlyAsync(new byte[request.Length]);
        }

        Task[] clients = new Task[100];
        for (int k = 0; k < clients.Length; k++)
        {
            int id = k;
            clients[k] = taskRun ? Task.Run(() => One(id)) : One(id);
        }

        await Task.WhenAll(clients);
        r.Mark();
    }
}
