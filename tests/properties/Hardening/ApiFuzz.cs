using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using SimNet.Kernel;
using SimNet.Names;
using SimNet.Topology;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Sockets;
using SimNet.Windows.Storage.Streams;
using Dns = SimNet.Sockets.Dns;
using NetworkStream = SimNet.Sockets.NetworkStream;
using Socket = SimNet.Sockets.Socket;
using SocketAsyncEventArgs = SimNet.Sockets.SocketAsyncEventArgs;
using TcpClient = SimNet.Sockets.TcpClient;
using TcpListener = SimNet.Sockets.TcpListener;
using UdpClient = SimNet.Sockets.UdpClient;

namespace SimNet.Properties.Hardening;

/// <summary>
/// Model-based fuzzing of the public socket API: a sequence of operations, each drawn from (seed, index)
/// alone, runs against a fresh world of three hosts (one also the DNS server) over a faulty LAN. The
/// oracle: an operation may throw only what the real API documents for that call (or the runtime's
/// source shows), no operation hangs (every wait is bounded in virtual time, and a wall-clock guard
/// reports a hang instead of suffering it), and afterwards every packet in the trace was created once
/// and ended once.
/// </summary>
internal sealed class ApiFuzz
{
    /// <summary>Kinds of operation; an operation's other draws pick its target and arguments.</summary>
    private const int Kinds = 40;

    private readonly Simulation sim;
    private readonly Host[] hosts = new Host[3];
    private readonly List<Socket> udp = new();
    private readonly List<Socket> tcp = new();
    private readonly List<UdpClient> udpClients = new();
    private readonly List<TcpClient> tcpClients = new();
    private readonly List<TcpListener> listeners = new();
    private readonly List<NetworkStream> streams = new();
    private readonly List<DatagramSocket> winrt = new();
    private readonly List<(Task Task, string What)> pending = new();
    private string current = string.Empty;
    private readonly List<CancellationTokenSource> tokens = new();
    private readonly List<DataReader> readers = new();
    private readonly List<Thread> threads = new();
    private readonly List<string> unexpected = new();

    private ApiFuzz(long seed)
    {
        sim = new Simulation(seed);
        Segment lan = sim.AddSegment("lan");
        lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(1), LossRate = 0.02, DuplicationRate = 0.01 };
        for (int i = 0; i < 3; i++)
        {
            hosts[i] = sim.AddHost($"h{i}");
            NetworkAdapter eth = hosts[i].AddAdapter("eth0", lan, $"10.0.0.{i + 1}/24");
            eth.AddAddress(IPAddress.Parse($"2001:db8::{i + 1}"), 64);
        }

        DnsServer dns = DnsServer.Start(hosts[2]);
        dns.UseForAllHosts();
    }

    /// <summary>What one sequence did: the operations that ran and what went wrong, if anything.</summary>
    public readonly record struct Outcome(int Operations, IReadOnlyList<string> Failures);

    /// <summary>One operation, drawn from the campaign seed and its index only, so any subset of a sequence replays.</summary>
    public readonly record struct Op(int Kind, int Target, int A, int B, int C)
    {
        public static Op Draw(long seed, int index)
        {
            var r = new SimRandom(unchecked(((ulong)seed * 0x9E3779B97F4A7C15UL) + (ulong)index + 1));
            return new Op(r.Next(Kinds), r.Next(1000), r.Next(1000), r.Next(1000), r.Next(1000));
        }
    }

    /// <summary>Runs the operations <paramref name="indices"/> of campaign <paramref name="seed"/> in a fresh world, under a wall-clock guard.</summary>
    public static Outcome Run(long seed, IReadOnlyList<int> indices, TimeSpan wallClockLimit)
    {
        ApiFuzz? fuzz = null;
        Exception? crash = null;
        var thread = new Thread(() =>
        {
            try
            {
                fuzz = new ApiFuzz(seed);
                fuzz.RunAll(seed, indices);
            }
            catch (Exception e)
            {
                crash = e;
            }
        }) { IsBackground = true, Name = "simnet-fuzz" };
        thread.Start();
        if (!thread.Join(wallClockLimit))
        {
            return new Outcome(indices.Count, [$"hang: still running after {wallClockLimit.TotalSeconds} s of wall time"]);
        }

        var failures = new List<string>();
        if (crash is not null)
        {
            failures.Add($"the harness itself failed: {crash}");
        }

        if (fuzz is not null)
        {
            failures.AddRange(fuzz.unexpected);
        }

        return new Outcome(indices.Count, failures);
    }

    private void RunAll(long seed, IReadOnlyList<int> indices)
    {
        foreach (int i in indices)
        {
            Op op = Op.Draw(seed, i);
            current = $"op {i} ({Describe(op.Kind)} {op})";
            try
            {
                Execute(op);
            }
            catch (Exception e)
            {
                if (!Allowed(op.Kind, e))
                {
                    unexpected.Add($"op {i} ({Describe(op.Kind)}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                }
            }

            // Time passes between calls, a little.
            sim.RunFor(TimeSpan.FromMilliseconds(op.C % 7));
        }

        // Wind down: threads joined, everything closed, the world runs dry, and the ledger must balance.
        foreach (Thread t in threads)
        {
            if (!t.Join(TimeSpan.FromSeconds(10)))
            {
                unexpected.Add("hang: a call from another thread did not return within 10 s of wall time");
            }
        }

        foreach (CancellationTokenSource cts in tokens)
        {
            cts.Cancel();
        }

        foreach (Host h in hosts)
        {
            if (!h.IsUp)
            {
                h.Restart();
            }
        }

        sim.Heal();
        sim.Release();
        CloseAll();
        sim.RunFor(TimeSpan.FromMinutes(5));
        sim.RunUntilIdle();
        foreach ((Task t, string what) in pending)
        {
            if (!t.IsCompleted)
            {
                unexpected.Add($"{what}: still pending after every socket was closed");
                break;
            }

            if (t.Exception?.InnerException is { } e && !Allowed(-1, e))
            {
                unexpected.Add($"{what}: async {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }

        if (Ledger.Violation(sim.Trace) is { } violation)
        {
            unexpected.Add($"conservation: {violation}");
        }
    }

    private void CloseAll()
    {
        foreach (NetworkStream s in streams)
        {
            Quietly(s.Dispose);
        }

        foreach (TcpClient c in tcpClients)
        {
            Quietly(c.Dispose);
        }

        foreach (TcpListener l in listeners)
        {
            Quietly(l.Stop);
        }

        foreach (UdpClient c in udpClients)
        {
            Quietly(c.Dispose);
        }

        foreach (Socket s in udp)
        {
            Quietly(s.Dispose);
        }

        foreach (Socket s in tcp)
        {
            Quietly(s.Dispose);
        }

        foreach (DatagramSocket d in winrt)
        {
            Quietly(d.Dispose);
        }
    }

    private void Quietly(Action a)
    {
        try
        {
            a();
        }
        catch (Exception e)
        {
            unexpected.Add($"close: {e.GetType().Name}: {e.Message}");
        }
    }

    // ------------------------------------------------------------------ the oracle

    /// <summary>
    /// The exception types the real API documents for socket calls (System.Net.Sockets reference and the
    /// runtime's source: argument checks, SocketException, disposal, wrong state, unsupported option or
    /// family, cancellation, NetworkStream's IOException), and the WinRT shape's (COMException carrying the
    /// HRESULT, argument and state errors). SimulationDeadlockException is a wait no event could end: the
    /// simulation's report of what would hang on a real machine. Everything else (NullReference,
    /// IndexOutOfRange, InvalidCast, Overflow, KeyNotFound...) is a SimNet bug.
    /// </summary>
    private static bool Allowed(int kind, Exception e) => e switch
    {
        AggregateException { InnerExceptions.Count: 1 } a => Allowed(kind, a.InnerException!),
        SimulationDeadlockException => true,
        SocketException => true,
        ObjectDisposedException => true,
        ArgumentException => true, // ArgumentNullException, ArgumentOutOfRangeException too
        InvalidOperationException => true,
        NotSupportedException => true,
        OperationCanceledException => true, // TaskCanceledException too
        IOException => kind is -1 or >= 20 and < 28, // NetworkStream and TcpClient's stream operations
        COMException => kind is -1 or >= 32, // the WinRT shape
        _ => false,
    };

    // ------------------------------------------------------------------ operations

    private static readonly string[] Names =
    [
        "new UDP socket", "UDP Bind", "UDP Connect", "UDP SendTo", "UDP Send", "UDP ReceiveFrom", "UDP ReceiveFromAsync",
        "Poll", "Shutdown", "socket option", "SocketAddress SendTo/ReceiveFrom", "ConnectAsync(SocketAsyncEventArgs)",
        "multicast join/leave", "Dispose", "new TCP socket", "TCP Bind+Listen", "TCP Accept", "TCP Connect",
        "TCP Send", "TCP Receive", "TcpClient Connect", "NetworkStream Write", "NetworkStream Read", "TcpListener Start",
        "TcpListener Accept", "TcpClient close", "NetworkStream ReadAsync", "TCP ReceiveAsync+cancel", "UdpClient",
        "UdpClient Send/Receive", "Dns", "crash/restart", "DatagramSocket", "DatagramSocket bind", "DatagramSocket connect",
        "DataWriter store", "DataReader read", "partition/hold/heal", "another thread", "adapter down/up",
    ];

    private static string Describe(int kind) => kind >= 0 && kind < Names.Length ? Names[kind] : $"kind {kind}";

    private Host HostOf(int x) => hosts[x % 3];

    private static T? Pick<T>(List<T> list, int x)
        where T : class => list.Count == 0 ? null : list[x % list.Count];

    private static readonly string[] AddressTexts =
    [
        "0.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.255", "255.255.255.255", "127.0.0.1", "::", "::1",
        "2001:db8::1", "2001:db8::2", "::ffff:10.0.0.2", "::ffff:0.0.0.0", "224.0.0.251", "ff02::1", "10.0.0.99", "198.51.100.7",
    ];

    private static IPAddress AddressFor(int x) => IPAddress.Parse(AddressTexts[x % AddressTexts.Length]);

    private static int PortFor(int x) => (x % 10) switch
    {
        0 => 0,
        1 => -1,
        2 => 65536,
        3 => 53,
        _ => 5000 + (x % 4),
    };

    /// <summary>An endpoint argument: usually a plausible IPEndPoint, sometimes null, a DnsEndPoint, or another family.</summary>
    private static EndPoint? EndPointFor(int x, int y) => (x % 13) switch
    {
        0 => null,
        1 => new DnsEndPoint("h1", 5000),
        2 => new UnixDomainSocketEndPoint("/simnet"),
        _ => new IPEndPoint(AddressFor(y), Math.Clamp(PortFor(x), 0, 65535)),
    };

    private static byte[] Payload(int x) => new byte[(x % 17) switch { 0 => 0, 1 => 65508, 2 => 3000, _ => x % 200 }];

    private Socket NewUdp(int x)
    {
        Host h = HostOf(x);
        Socket s = (x / 3 % 3) switch
        {
            0 => new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp),
            1 => new Socket(h, AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp),
            _ => new Socket(h, AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = true },
        };
        s.ReceiveTimeout = 50;
        udp.Add(s);
        return s;
    }

    private Socket NewTcp(int x)
    {
        Host h = HostOf(x);
        Socket s = x / 3 % 2 == 0
            ? new Socket(h, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(h, AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        s.ReceiveTimeout = 200;
        s.SendTimeout = 200;
        tcp.Add(s);
        return s;
    }

    private void Track(Task t) => pending.Add((t, current));

    private CancellationToken Token(int x)
    {
        if (x % 3 == 0)
        {
            return CancellationToken.None;
        }

        var cts = new CancellationTokenSource();
        tokens.Add(cts);
        if (x % 3 == 1)
        {
            sim.Schedule(TimeSpan.FromMilliseconds(x % 20), cts.Cancel);
        }
        else
        {
            cts.Cancel();
        }

        return cts.Token;
    }

    private void Execute(Op op)
    {
        (int t, int a, int b, int c) = (op.Target, op.A, op.B, op.C);
        Socket u = Pick(udp, t) ?? NewUdp(t);
        switch (op.Kind)
        {
            case 0:
                NewUdp(a);
                break;
            case 1:
                u.Bind(EndPointFor(a, b)!);
                break;
            case 2:
                u.Connect(EndPointFor(a, b)!);
                break;
            case 3:
                if (b % 4 == 0)
                {
                    u.EnableBroadcast = true;
                }

                u.SendTo(Payload(c), EndPointFor(a, b)!);
                break;
            case 4:
                u.Send(Payload(c));
                break;
            case 5:
            {
                u.Blocking = a % 2 == 0;
                EndPoint from = EndPointFor(b, c) ?? new IPEndPoint(IPAddress.Any, 0);
                u.ReceiveFrom(new byte[a % 40], ref from);
                break;
            }

            case 6:
                Track(u.ReceiveFromAsync(new byte[a % 40].AsMemory(), b % 5 == 0 ? SocketFlags.Peek : SocketFlags.None, EndPointFor(b, c)!, Token(a)).AsTask());
                break;
            case 7:
            {
                Socket s = (a % 2 == 0 ? Pick(tcp, t) : null) ?? u;
                TimeSpan timeout = (b % 8) switch
                {
                    0 => TimeSpan.MaxValue,
                    1 => TimeSpan.FromTicks(-1 - c),
                    2 => Timeout.InfiniteTimeSpan,
                    3 => TimeSpan.Zero,
                    _ => TimeSpan.FromMilliseconds(c % 30),
                };
                SelectMode mode = (SelectMode)(c % 4);
                if (timeout == Timeout.InfiniteTimeSpan && mode == SelectMode.SelectRead)
                {
                    timeout = TimeSpan.FromMilliseconds(5); // an infinite read poll on an idle socket is a (correct) deadlock report: bounded here to keep going
                }

                s.Poll(timeout, mode);
                break;
            }

            case 8:
                ((a % 2 == 0 ? Pick(tcp, t) : null) ?? u).Shutdown((SocketShutdown)(b % 4));
                break;
            case 9:
                SetOption((a % 2 == 0 ? Pick(tcp, t) : null) ?? u, b, c);
                break;
            case 10:
            {
                var address = new SocketAddress(a % 2 == 0 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6, 2 + (b % 30));
                if (c % 2 == 0)
                {
                    u.SendTo(Payload(c), SocketFlags.None, address);
                }
                else
                {
                    u.Blocking = false;
                    u.ReceiveFrom(new byte[16], SocketFlags.None, address);
                }

                break;
            }

            case 11:
            {
                var e = new SocketAsyncEventArgs { RemoteEndPoint = EndPointFor(a, b) };
                Socket s = (c % 2 == 0 ? Pick(tcp, t) : null) ?? u;
                e.Completed += (_, _) => { };
                s.ConnectAsync(e);
                break;
            }

            case 12:
            {
                var option = new MulticastOption(AddressFor(b), AddressFor(c));
                u.SetSocketOption(SocketOptionLevel.IP, a % 2 == 0 ? SocketOptionName.AddMembership : SocketOptionName.DropMembership, option);
                break;
            }

            case 13:
                ((a % 2 == 0 ? Pick(tcp, t) : null) ?? u).Dispose();
                break;
            case 14:
                NewTcp(a);
                break;
            case 15:
            {
                Socket s = NewTcp(a);
                s.Bind(EndPointFor(b, c)!);
                s.Listen(c % 3 - 1);
                break;
            }

            case 16:
            {
                Socket? l = Pick(tcp, t);
                if (l is not null)
                {
                    l.Blocking = false;
                    tcp.Add(l.Accept());
                }

                break;
            }

            case 17:
                (Pick(tcp, t) ?? NewTcp(a)).Connect(EndPointFor(a, b)!);
                break;
            case 18:
                Pick(tcp, t)?.Send(Payload(c));
                break;
            case 19:
                Pick(tcp, t)?.Receive(new byte[a % 100]);
                break;
            case 20:
            {
                var client = new TcpClient(HostOf(a), a % 2 == 0 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6);
                client.ReceiveTimeout = 200;
                client.SendTimeout = 200;
                tcpClients.Add(client);
                client.Connect(AddressFor(b), PortFor(c));
                streams.Add(client.GetStream());
                break;
            }

            case 21:
                Pick(streams, t)?.Write(Payload(a), 0, Payload(a).Length - (b % 3));
                break;
            case 22:
            {
                NetworkStream? s = Pick(streams, t);
                if (s is not null)
                {
                    s.ReadTimeout = 100 + (a % 3) - 1;
                    _ = s.Read(new byte[b % 64], c % 5, 10); // a fuzzed read: how much it returns does not matter
                }

                break;
            }

            case 23:
            {
                var l = new TcpListener(HostOf(a), AddressFor(b), PortFor(c));
                listeners.Add(l);
                l.Start(b % 4);
                break;
            }

            case 24:
            {
                TcpListener? l = Pick(listeners, t);
                if (l is not null && (a % 3 == 0 || l.Pending()))
                {
                    TcpClient accepted = l.AcceptTcpClient();
                    tcpClients.Add(accepted);
                    streams.Add(accepted.GetStream());
                }

                break;
            }

            case 25:
                Pick(tcpClients, t)?.Dispose();
                break;
            case 26:
            {
                NetworkStream? s = Pick(streams, t);
                if (s is not null)
                {
                    Track(s.ReadAsync(new byte[a % 64].AsMemory(), Token(b)).AsTask());
                }

                break;
            }

            case 27:
            {
                Socket? s = Pick(tcp, t);
                if (s is not null)
                {
                    Track(s.ReceiveAsync(new byte[a % 64].AsMemory(), SocketFlags.None, Token(b)).AsTask());
                }

                break;
            }

            case 28:
            {
                var client = new UdpClient(HostOf(a), PortFor(b) is var p && p > 0 && p < 65536 ? p : 0, b % 2 == 0 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6);
                client.Client.ReceiveTimeout = 50;
                udpClients.Add(client);
                break;
            }

            case 29:
            {
                UdpClient? client = Pick(udpClients, t);
                if (client is null)
                {
                    break;
                }

                if (a % 2 == 0)
                {
                    client.Send(Payload(b), Payload(b).Length, EndPointFor(c, b) as IPEndPoint);
                }
                else
                {
                    IPEndPoint? from = null;
                    client.Receive(ref from);
                }

                break;
            }

            case 30:
            {
                string[] names = ["h0", "h1.sim", "nope", string.Empty, "256.1.1.1", "10.0.0.1", new string('a', 300), "::1", "localhost"];
                string name = names[a % names.Length];
                Host h = HostOf(b);
                h.Run(async () =>
                {
                    try
                    {
                        await Dns.GetHostAddressesAsync(name, (c % 3) switch { 0 => AddressFamily.Unspecified, 1 => AddressFamily.InterNetwork, _ => AddressFamily.Unknown });
                    }
                    catch (Exception e) when (Allowed(30, e))
                    {
                    }
                });
                break;
            }

            case 31:
            {
                Host h = HostOf(a);
                if (b % 2 == 0 && h.IsUp && h != hosts[2])
                {
                    h.Crash();
                }
                else if (!h.IsUp)
                {
                    h.Restart();
                }

                break;
            }

            case 32:
            {
                var d = new DatagramSocket(HostOf(a));
                if (b % 5 != 0)
                {
                    d.MessageReceived += (_, e) =>
                    {
                        try
                        {
                            readers.Add(e.GetDataReader());
                        }
                        catch (COMException)
                        {
                            // an ICMP error reported through the event, as WinRT does
                        }
                    };
                }

                winrt.Add(d);
                break;
            }

            case 33:
            {
                DatagramSocket? d = Pick(winrt, t);
                if (d is not null)
                {
                    string[] services = ["6000", "0", string.Empty, "echo", "99999", "-1", "domain"];
                    WinRT(() => d.BindServiceNameAsync(services[a % services.Length]));
                }

                break;
            }

            case 34:
            {
                DatagramSocket? d = Pick(winrt, t);
                if (d is not null)
                {
                    string[] remotes = ["h1", "10.0.0.2", "255.255.255.255", "2001:db8::3", "nope"];
                    string[] services = ["6000", "echo", string.Empty, "70000"];
                    WinRT(() => a % 2 == 0
                        ? d.ConnectAsync(new HostName(remotes[b % remotes.Length]), services[c % services.Length])
                        : d.GetOutputStreamAsync(new HostName(remotes[b % remotes.Length]), services[c % services.Length]));
                }

                break;
            }

            case 35:
            {
                DatagramSocket? d = Pick(winrt, t);
                if (d is not null)
                {
                    var writer = new DataWriter(d.OutputStream);
                    writer.WriteBytes(Payload(a));
                    writer.WriteString(new string('x', b % 50));
                    WinRT(() => writer.StoreAsync());
                }

                break;
            }

            case 36:
            {
                DataReader? r = Pick(readers, t);
                if (r is not null)
                {
                    switch (a % 4)
                    {
                        case 0:
                            r.ReadBytes(new byte[b % 10]);
                            break;
                        case 1:
                            r.ReadString((uint)(b % 10));
                            break;
                        case 2:
                            r.ReadInt32();
                            break;
                        default:
                            r.ReadBuffer((uint)b);
                            break;
                    }
                }

                break;
            }

            case 37:
                switch (a % 4)
                {
                    case 0:
                        sim.Partition(HostOf(b), HostOf(c + 1));
                        break;
                    case 1:
                        sim.Hold(HostOf(b), HostOf(c + 1));
                        break;
                    case 2:
                        sim.Heal();
                        break;
                    default:
                        sim.Release();
                        break;
                }

                break;
            case 38:
            {
                // A call from another thread while this one drives: non-blocking calls only, so the
                // interleaving varies but the outcome is always bounded.
                Socket s = u;
                var thread = new Thread(() =>
                {
                    try
                    {
                        s.SendTo(Payload(a), new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000 + (b % 4)));
                        _ = s.Available;
                        s.Poll(0, SelectMode.SelectRead);
                    }
                    catch (Exception e) when (Allowed(38, e))
                    {
                    }
                    catch (Exception e)
                    {
                        lock (unexpected)
                        {
                            unexpected.Add($"another thread: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                        }
                    }
                }) { IsBackground = true };
                threads.Add(thread);
                thread.Start();
                sim.RunFor(TimeSpan.FromMilliseconds(c % 5));
                break;
            }

            default:
            {
                NetworkAdapter nic = HostOf(a).Adapters[0];
                nic.IsUp = !nic.IsUp;
                break;
            }
        }
    }

    /// <summary>
    /// Starts a WinRT async call inside the simulation (on its context, where WinRT code runs) and drives
    /// it for up to 30 s of virtual time; one still running then is checked at the end.
    /// </summary>
    private void WinRT(Func<Task> start)
    {
        Task? started = null;
        sim.Run(async () =>
        {
            started = start();
            Task first = await Task.WhenAny(started, Task.Delay(TimeSpan.FromSeconds(30), sim.Clock)).ConfigureAwait(true);
            if (first == started)
            {
                await started.ConfigureAwait(true);
            }
        });
        if (started is not null)
        {
            Track(started);
        }
    }

    private static void SetOption(Socket s, int b, int c)
    {
        (SocketOptionLevel level, SocketOptionName name)[] options =
        [
            (SocketOptionLevel.Socket, SocketOptionName.ReuseAddress), (SocketOptionLevel.Socket, SocketOptionName.Broadcast),
            (SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer), (SocketOptionLevel.Socket, SocketOptionName.SendBuffer),
            (SocketOptionLevel.IP, SocketOptionName.IpTimeToLive), (SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive),
            (SocketOptionLevel.IP, SocketOptionName.MulticastInterface), (SocketOptionLevel.IPv6, SocketOptionName.IPv6Only),
            (SocketOptionLevel.Tcp, SocketOptionName.NoDelay), (SocketOptionLevel.Socket, SocketOptionName.KeepAlive),
            (SocketOptionLevel.Socket, SocketOptionName.Linger), (SocketOptionLevel.IP, SocketOptionName.DontFragment),
        ];
        (SocketOptionLevel level, SocketOptionName name) = options[b % options.Length];
        int[] values = [0, 1, -1, 64, 256, int.MaxValue, int.MinValue, 100_000];
        if (c % 3 == 0)
        {
            s.GetSocketOption(level, name);
        }
        else
        {
            s.SetSocketOption(level, name, values[c % values.Length]);
        }
    }
}
