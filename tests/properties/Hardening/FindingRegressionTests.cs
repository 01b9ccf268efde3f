using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Kernel;
using SimNet.Names;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;
using Dns = SimNet.Sockets.Dns;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Hardening;

/// <summary>One regression test per finding of issue 12's fuzzing, named after the rule it restores.</summary>
public class FindingRegressionTests
{
    private static (Simulation Sim, Host A, Host B) TwoHosts(long seed)
    {
        var sim = new Simulation(seed);
        Segment lan = sim.AddSegment("lan");
        Host a = sim.AddHost("a");
        a.AddAdapter("eth0", lan, "10.0.0.1/24");
        Host b = sim.AddHost("b");
        b.AddAdapter("eth0", lan, "10.0.0.2/24");
        return (sim, a, b);
    }

    /// <summary>Runs <paramref name="body"/> on a thread with a wall-clock guard, so a regression fails instead of hanging the suite.</summary>
    internal static void WithinWallClock(TimeSpan limit, Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(limit), $"still running after {limit.TotalSeconds} s of wall time: a hang");
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    private static (Socket Client, Socket Server) TcpPair(Simulation sim, Host a, Host b)
    {
        var listener = new Socket(b, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen();
        var client = new Socket(a, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 80));
        Socket server = listener.Accept();
        return (client, server);
    }

    [Theory]
    [InlineData(SocketType.Dgram, ProtocolType.Udp)]
    [InlineData(SocketType.Stream, ProtocolType.Tcp)]
    public void ReceiveAsync_with_a_cancelled_token_is_cancelled_before_the_socket_is_looked_at_even_when_disposed(SocketType type, ProtocolType protocol)
    {
        (_, Host a, _) = TwoHosts(1);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var socket = new Socket(a, AddressFamily.InterNetwork, type, protocol);
        socket.Dispose();

        // The runtime's ReceiveAsync(Memory, SocketFlags, CancellationToken) looks at the token first: a cancelled task,
        // whatever the socket's state or the flags (its Socket.Tasks.cs checks the token before taking its event args).
        ValueTask<int> receive = socket.ReceiveAsync(new byte[16], (SocketFlags)0x7FFF, cancelled.Token);
        Assert.True(receive.IsCanceled);
        Assert.ThrowsAny<OperationCanceledException>(() => receive.AsTask().GetAwaiter().GetResult());

        // With a live token the disposed socket still throws at once, as before.
        Assert.Throws<ObjectDisposedException>(() => socket.ReceiveAsync(new byte[16], SocketFlags.None, CancellationToken.None));
    }

    [Fact]
    public void A_blocking_Send_to_a_peer_that_never_reads_ends_in_a_deadlock_report_with_bounded_memory() =>
        WithinWallClock(TimeSpan.FromSeconds(60), () =>
        {
            (Simulation sim, Host a, Host b) = TwoHosts(12);
            (Socket client, Socket server) = TcpPair(sim, a, b);
            var chunk = new byte[64 * 1024];
            long sent = 0;
            var e = Assert.Throws<SimulationDeadlockException>(void () =>
            {
                while (true)
                {
                    sent += client.Send(chunk);
                }
            });
            Assert.Contains("zero-window", e.Message);
            Assert.True(sent > 0 && sent < 10_000_000, $"sent {sent}");
            Assert.True(sim.Trace.Events.Count < 10_000, $"{sim.Trace.Events.Count} trace events: the probes ran on");
            Assert.Null(Ledger.Violation(sim.Trace) is { } v && !v.Contains("never ended") ? v : null);
            GC.KeepAlive(server);
        });

    [Fact]
    public void A_blocking_Send_with_a_SendTimeout_to_a_peer_that_never_reads_times_out() =>
        WithinWallClock(TimeSpan.FromSeconds(60), () =>
        {
            (Simulation sim, Host a, Host b) = TwoHosts(13);
            (Socket client, Socket server) = TcpPair(sim, a, b);
            client.SendTimeout = 600_000; // ten virtual minutes: past several 120 s probes
            var chunk = new byte[64 * 1024];
            var e = Assert.Throws<SocketException>(void () =>
            {
                while (true)
                {
                    client.Send(chunk);
                }
            });
            Assert.Equal(SocketError.TimedOut, e.SocketErrorCode);
            Assert.IsNotType<SimulationDeadlockException>(e);
            Assert.True(sim.Clock.Elapsed >= TimeSpan.FromMinutes(10));
            GC.KeepAlive(server);
        });

    [Fact]
    public void RunUntilIdle_returns_when_only_answered_zero_window_probes_remain() =>
        WithinWallClock(TimeSpan.FromSeconds(60), () =>
        {
            (Simulation sim, Host a, Host b) = TwoHosts(14);
            (Socket client, Socket server) = TcpPair(sim, a, b);
            client.Blocking = false;
            try
            {
                while (true)
                {
                    client.Send(new byte[64 * 1024]);
                }
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
            }

            sim.RunUntilIdle();

            // The peer reads at last: the connection is alive and the data flows again.
            server.Blocking = false;
            int n = server.Receive(new byte[1024]);
            Assert.True(n > 0);
        });

    [Fact]
    public void After_Shutdown_Receive_a_pending_async_receive_takes_the_next_datagram_and_no_waiter_is_left()
    {
        (Simulation sim, Host a, Host b) = TwoHosts(15);
        using var rx = new Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rx.Bind(new IPEndPoint(IPAddress.Any, 5000));
        rx.Connect(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6000));
        using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        tx.Bind(new IPEndPoint(IPAddress.Any, 6000));
        rx.Shutdown(SocketShutdown.Receive);

        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        Assert.Equal(0, rx.ReceiveFrom(new byte[8], ref from));
        Assert.Equal(0, rx.ReceiveFrom(new byte[8], SocketFlags.None, new SocketAddress(AddressFamily.InterNetwork)));
        var pending = rx.ReceiveFromAsync(new byte[8].AsMemory(), SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
        Assert.False(pending.IsCompleted);

        tx.SendTo(new byte[3], new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
        sim.RunUntilIdle();
        Assert.True(pending.IsCompletedSuccessfully);
#pragma warning disable xUnit1031 // completed already (asserted above): reading the result does not block
        SocketReceiveFromResult got = pending.Result;
#pragma warning restore xUnit1031
        Assert.Equal(3, got.ReceivedBytes);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 6000), got.RemoteEndPoint);

        // The next datagram is not swallowed by a stale waiter: it is queued and readable.
        tx.SendTo(new byte[4], new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
        sim.RunUntilIdle();
        Assert.Equal(4, rx.Available);
        Assert.Null(Ledger.Violation(sim.Trace));
    }

    [Fact]
    public void ReceiveFrom_into_a_too_short_SocketAddress_fails_before_the_datagram_is_taken()
    {
        (Simulation sim, Host a, Host b) = TwoHosts(16);
        using var rx = new Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rx.Bind(new IPEndPoint(IPAddress.Any, 5000));
        using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        tx.SendTo(new byte[5], new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
        sim.RunUntilIdle();
        Assert.Throws<ArgumentOutOfRangeException>(() => rx.ReceiveFrom(new byte[8], SocketFlags.None, new SocketAddress(AddressFamily.InterNetwork, 8)));
        Assert.Equal(5, rx.Available);
        var e = Assert.Throws<SocketException>(() => tx.SendTo(new byte[1], SocketFlags.None, new SocketAddress(AddressFamily.InterNetwork, 8)));
        Assert.Equal(SocketError.InvalidArgument, e.SocketErrorCode);
    }

    [Fact]
    public void Poll_with_a_TimeSpan_out_of_range_throws_ArgumentOutOfRangeException_and_never_waits()
    {
        (Simulation sim, _, Host b) = TwoHosts(17);
        using var s = new Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Any, 5000));
        foreach (TimeSpan bad in new[] { TimeSpan.MaxValue, TimeSpan.MinValue, TimeSpan.FromTicks(-1), TimeSpan.FromMilliseconds(-2), TimeSpan.FromTicks((int.MaxValue + 1L) * 10) })
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => s.Poll(bad, SelectMode.SelectRead));
        }

        Assert.Equal(TimeSpan.Zero, sim.Clock.Elapsed);
        Assert.False(s.Poll(TimeSpan.FromSeconds(1), SelectMode.SelectRead));
        Assert.Equal(TimeSpan.FromSeconds(1), sim.Clock.Elapsed);
    }

    [Fact]
    public void ConnectAsync_args_with_an_EndPoint_of_the_socket_family_that_is_not_an_IPEndPoint_connects_to_what_it_serializes_to()
    {
        (Simulation sim, Host a, _) = TwoHosts(18);
        using var s = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var e = new SimNet.Sockets.SocketAsyncEventArgs { RemoteEndPoint = new SerializingEndPoint(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 7)) };
        Assert.False(s.ConnectAsync(e));
        Assert.Equal(SocketError.Success, e.SocketError);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 7), s.RemoteEndPoint);
        using var other = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Assert.Throws<NotSupportedException>(() => other.ConnectAsync(new SimNet.Sockets.SocketAsyncEventArgs { RemoteEndPoint = new UnixDomainSocketEndPoint("/x") }));
    }

    [Theory]
    [InlineData(SocketType.Stream, ProtocolType.Tcp)]
    [InlineData(SocketType.Dgram, ProtocolType.Udp)]
    public void ConnectAsync_args_by_name_then_Dispose_before_the_lookup_ends_completes_with_OperationAborted_and_throws_nowhere(SocketType type, ProtocolType protocol)
    {
        // Found by the API fuzzer: the lookup's continuation read a disposed socket and threw out of the driver.
        var sim = new Simulation(20);
        Segment lan = sim.AddSegment("lan");
        lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(5) };
        Host ns = sim.AddHost("ns");
        ns.AddAdapter("eth0", lan, "10.0.0.53/24");
        Host a = sim.AddHost("a");
        a.AddAdapter("eth0", lan, "10.0.0.1/24");
        DnsServer.Start(ns).UseForAllHosts();
        var s = new Socket(a, AddressFamily.InterNetwork, type, protocol);
        SocketError? completed = null;
        using var e = new SimNet.Sockets.SocketAsyncEventArgs { RemoteEndPoint = new DnsEndPoint("ns", 80) };
        e.Completed += (_, args) => completed = args.SocketError;
        Assert.True(s.ConnectAsync(e));
        s.Dispose();
        sim.RunUntilIdle();
        Assert.Equal(SocketError.OperationAborted, completed);
    }

    private sealed class SerializingEndPoint(IPEndPoint inner) : EndPoint
    {
        public override AddressFamily AddressFamily => inner.AddressFamily;

        public override SocketAddress Serialize() => inner.Serialize();
    }

    [SimNetProperty]
    public Property A_FORMERR_reply_echoes_no_question_and_no_reply_exceeds_512_bytes_without_TC()
    {
        var sim = new Simulation(19);
        Segment lan = sim.AddSegment("lan");
        Host ns = sim.AddHost("ns");
        ns.AddAdapter("eth0", lan, "10.0.0.53/24");
        DnsServer server = DnsServer.Start(ns);
        var query = new DnsMessage { Id = 7 };
        for (int i = 0; i < 2000; i++)
        {
            query.Questions.Add(new DnsQuestion($"q{i}.sim.", DnsRecordType.A));
        }

        byte[] reply = server.Respond(DnsWire.Encode(query))!;
        Assert.True(DnsWire.TryDecode(reply, out DnsMessage? m, out _));
        Assert.Equal(DnsRcode.FormErr, m!.Rcode);
        Assert.Empty(m.Questions);
        Assert.True(reply.Length <= DnsMessage.MaxUdpSize);

        // Any message encoded for UDP fits 512 bytes, or says it does not (TC).
        return Prop.ForAll(Arb.From(Gen.Choose(0, 300)), n =>
        {
            var big = new DnsMessage { Id = 1, IsResponse = true };
            for (int i = 0; i < n; i++)
            {
                big.Questions.Add(new DnsQuestion($"name-{i}.example.sim.", DnsRecordType.Aaaa));
            }

            byte[] wire = DnsWire.Encode(big, DnsMessage.MaxUdpSize);
            Assert.True(wire.Length <= DnsMessage.MaxUdpSize, $"{wire.Length} bytes");
            Assert.True(DnsWire.TryDecode(wire, out DnsMessage? back, out string? error), error);
            Assert.Equal(back!.Questions.Count < n, back.Truncated);
        });
    }

    [SimNetProperty(MaxTest = 40)]
    public Property Every_packet_is_created_once_and_ends_once_over_DNS_traffic_pending_receives_and_broadcast_fan_out() =>
        Prop.ForAll(Arb.From(Gen.Zip(Gen.Choose(1, int.MaxValue), Gen.Choose(2, 5))), x =>
        {
            (int seed, int hosts) = x;
            var sim = new Simulation(seed);
            Segment lan = sim.AddSegment("lan");
            lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(1), LossRate = 0.1, DuplicationRate = 0.1 };
            Host ns = sim.AddHost("ns");
            ns.AddAdapter("eth0", lan, "10.0.0.53/24");
            DnsServer dns = DnsServer.Start(ns);
            var all = new List<Host>();
            for (int i = 0; i < hosts; i++)
            {
                Host h = sim.AddHost($"h{i}");
                h.AddAdapter("eth0", lan, $"10.0.0.{i + 1}/24");
                all.Add(h);
            }

            dns.UseForAllHosts();
            var sockets = new List<Socket>();
            foreach (Host h in all)
            {
                for (int k = 0; k < 2; k++)
                {
                    var s = new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
                    s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                    s.Bind(new IPEndPoint(IPAddress.Any, 4000));
                    sockets.Add(s);
                }
            }

            var pending = new List<Task>();
            foreach (Socket s in sockets)
            {
                pending.Add(s.ReceiveFromAsync(new byte[64].AsMemory(), SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).AsTask());
            }

            all[0].Run(async () =>
            {
                for (int i = 0; i < 6; i++)
                {
                    sockets[0].SendTo(new byte[i + 1], new IPEndPoint(IPAddress.Parse("10.0.0.255"), 4000));
                    try
                    {
                        await Dns.GetHostAddressesAsync($"h{i % hosts}");
                    }
                    catch (SocketException)
                    {
                        // lost on the lossy link after every retry: still traced, and that is what is checked
                    }
                }
            });
            sim.RunUntilIdle();
            Assert.Null(Ledger.Violation(sim.Trace));
            foreach (Socket s in sockets)
            {
                s.Dispose();
            }
        });
}
