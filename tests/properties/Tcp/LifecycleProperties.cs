using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Transport.Tcp;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Tcp;

public class LifecycleProperties
{
    internal sealed record Link(long Seed, int LatencyMs, int JitterMs, double Loss, int BytesOut, int BytesBack)
    {
        public LinkConditions Conditions => new() { Latency = TimeSpan.FromMilliseconds(LatencyMs), Jitter = TimeSpan.FromMilliseconds(JitterMs), LossRate = Loss };

        public override string ToString() => $"seed={Seed} latency={LatencyMs}ms jitter={JitterMs}ms loss={Loss:F2} out={BytesOut} back={BytesBack}";
    }

    private static readonly Gen<Link> Links =
        from seed in Gen.Choose(0, int.MaxValue)
        from latency in Gen.Choose(1, 40)
        from jitter in Gen.Choose(0, 20)
        from loss in Gen.Elements(0.0, 0.0, 0.1, 0.25)
        from bytesOut in Gen.Choose(0, 20000)
        from bytesBack in Gen.Choose(0, 20000)
        select new Link(seed, latency, jitter, loss, bytesOut, bytesBack);

    /// <summary>Sends <paramref name="count"/> bytes one way, reads them all on the other side, and checks them.</summary>
    private static bool Transfer(TcpWorld w, TcpEndpoint from, TcpEndpoint to, int count, int seed)
    {
        var data = new byte[count];
        new Random(seed).NextBytes(data);
        var got = new byte[count];
        int sent = 0, received = 0;
        w.DriveUntil(() =>
        {
            if (sent < count && from.Send(data.AsSpan(sent), out int n) == SocketError.Success)
            {
                sent += n;
            }

            while (received < count && to.Receive(got.AsSpan(received), false, out int r) == SocketError.Success && r > 0)
            {
                received += r;
            }

            return received == count || from.PendingError != SocketError.Success || to.PendingError != SocketError.Success;
        });
        return received == count && got.AsSpan().SequenceEqual(data);
    }

    private static bool ReadsEndOfStream(TcpEndpoint e) => e.Receive(new byte[16], false, out int n) == SocketError.Success && n == 0;

    [SimNetProperty(MaxTest = 60)]
    public Property Graceful_close_in_either_order_delivers_everything_and_only_the_closer_passes_TIME_WAIT()
    {
        return Prop.ForAll(Arb.From(Links), Arb.From(Gen.Elements(true, false)), (c, clientCloses) =>
        {
            var w = new TcpWorld(c.Seed, c.Conditions);
            (TcpEndpoint client, TcpEndpoint server) = w.Connect(w.Listen());
            client.History = new List<TcpState>();
            server.History = new List<TcpState>();
            bool intact = Transfer(w, client, server, c.BytesOut, (int)c.Seed) && Transfer(w, server, client, c.BytesBack, (int)c.Seed + 1);
            (TcpEndpoint closer, TcpEndpoint other) = clientCloses ? (client, server) : (server, client);
            closer.Close();
            w.DriveUntil(() => other.State == TcpState.CloseWait || other.State == TcpState.Closed);
            bool otherSawEnd = ReadsEndOfStream(other) && ReadsEndOfStream(other);
            other.Close();
            w.Sim.RunUntilIdle();
            bool closerPath = closer.History!.SequenceEqual(new[] { TcpState.FinWait1, TcpState.FinWait2, TcpState.TimeWait, TcpState.Closed });
            bool otherPath = other.History!.SequenceEqual(new[] { TcpState.CloseWait, TcpState.LastAck, TcpState.Closed });
            bool clean = closer.PendingError == SocketError.Success && other.PendingError == SocketError.Success
                && TcpStack.Of(w.A).ConnectionCount == 0 && TcpStack.Of(w.B).ConnectionCount == 0;
            return (intact && otherSawEnd && closerPath && otherPath && clean).Label(
                $"intact={intact} end={otherSawEnd} closer=[{string.Join(",", closer.History!)}] other=[{string.Join(",", other.History!)}] clean={clean} clientCloses={clientCloses} {c}");
        });
    }

    [SimNetProperty(MaxTest = 60)]
    public Property Simultaneous_close_takes_both_ends_through_CLOSING_or_FIN_WAIT_2_to_TIME_WAIT_and_CLOSED()
    {
        return Prop.ForAll(Arb.From(Links), c =>
        {
            var w = new TcpWorld(c.Seed, c.Conditions with { Jitter = TimeSpan.Zero });
            (TcpEndpoint client, TcpEndpoint server) = w.Connect(w.Listen());
            w.Sim.RunFor(TimeSpan.FromSeconds(10)); // the handshake's last ACK has landed
            client.History = new List<TcpState>();
            server.History = new List<TcpState>();
            client.Shutdown(send: true, receive: false);
            server.Shutdown(send: true, receive: false); // both FINs cross on the wire
            w.Sim.RunUntilIdle();
            // On a lossy link one end may miss the last ACK past the other's TIME_WAIT; it then ends on the RST, without an error.
            bool Passed(TcpEndpoint e) =>
                e.History![0] == TcpState.FinWait1 && (c.Loss > 0 || e.History.Contains(TcpState.TimeWait)) && e.History[^1] == TcpState.Closed
                && e.PendingError == SocketError.Success && ReadsEndOfStream(e);
            bool crossed = c.Loss > 0 || (client.History.Contains(TcpState.Closing) && server.History.Contains(TcpState.Closing));
            return (Passed(client) && Passed(server) && crossed).Label($"client=[{string.Join(',', client.History)}] server=[{string.Join(',', server.History)}] {c}");
        });
    }

    [Fact]
    public void Close_with_Linger_zero_sends_RST_the_peer_reads_ConnectionReset_then_0_and_nobody_waits_in_TIME_WAIT()
    {
        var w = new TcpWorld(31, new LinkConditions { Latency = TimeSpan.FromMilliseconds(3) });
        using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen(1);
        var client = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.False(client.LingerState!.Enabled);
        client.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        using Socket server = listener.Accept();
        client.Send(new byte[100]);
        client.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        client.Close();
        var buffer = new byte[1000];
        Assert.Equal(100, server.Receive(buffer));
        var reset = Assert.Throws<SocketException>(() => server.Receive(buffer));
        Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
        Assert.False(server.Connected);
        Assert.Equal(0, server.Receive(buffer));
        Assert.Equal(0, TcpStack.Of(w.A).ConnectionCount); // no TIME_WAIT after an abortive close
    }

    internal sealed record Crash(long Seed, bool Restart, bool ClientCrashes, bool SurvivorSends, int LatencyMs)
    {
        public override string ToString() => $"seed={Seed} restart={Restart} clientCrashes={ClientCrashes} survivorSends={SurvivorSends} latency={LatencyMs}ms";
    }

    [SimNetProperty(MaxTest = 40)]
    public Property A_crashed_peer_is_seen_as_reset_when_it_comes_back_or_as_a_timeout_when_it_does_not()
    {
        Gen<Crash> crashes =
            from seed in Gen.Choose(0, int.MaxValue)
            from restart in Gen.Elements(true, false)
            from clientCrashes in Gen.Elements(true, false)
            from sends in Gen.Elements(true, false)
            from latency in Gen.Choose(0, 50)
            select new Crash(seed, restart, clientCrashes, sends, latency);
        return Prop.ForAll(Arb.From(crashes), c =>
        {
            var w = new TcpWorld(c.Seed, new LinkConditions { Latency = TimeSpan.FromMilliseconds(c.LatencyMs) });
            (TcpEndpoint client, TcpEndpoint server) = w.Connect(w.Listen());
            (TcpEndpoint survivor, Host crashed) = c.ClientCrashes ? (server, w.A) : (client, w.B);
            survivor.KeepAlive = !c.SurvivorSends; // an idle survivor only finds out by probing
            w.Sim.RunFor(TimeSpan.FromSeconds(1));
            crashed.Crash();
            if (c.Restart)
            {
                w.Sim.RunFor(TimeSpan.FromSeconds(30));
                crashed.Restart();
            }

            if (c.SurvivorSends)
            {
                survivor.Send(new byte[500], out _);
            }

            w.Sim.RunFor(TimeSpan.FromHours(4));
            SocketError seen = survivor.PendingError;
            SocketError expected = c.Restart ? SocketError.ConnectionReset : SocketError.TimedOut;
            return (survivor.State == TcpState.Closed && seen == expected).Label($"state={survivor.State} error={seen} {c}");
        });
    }

    [SimNetProperty(MaxTest = 30)]
    public Property A_partition_healed_before_the_retries_run_out_loses_nothing_and_a_longer_one_times_out()
    {
        Gen<(long Seed, int Seconds, bool OneWay)> cases =
            from seed in Gen.Choose(0, int.MaxValue)
            from seconds in Gen.Elements(1, 10, 60, 300, 2000)
            from oneWay in Gen.Elements(true, false)
            select ((long)seed, seconds, oneWay);
        return Prop.ForAll(Arb.From(cases), c =>
        {
            var w = new TcpWorld(c.Seed, new LinkConditions { Latency = TimeSpan.FromMilliseconds(5) });
            (TcpEndpoint client, TcpEndpoint server) = w.Connect(w.Listen());
            if (c.OneWay)
            {
                w.Sim.PartitionOneWay(w.B, w.A); // the data gets through, the ACKs do not
            }
            else
            {
                w.Sim.Partition(w.A, w.B);
            }

            w.Sim.After(TimeSpan.FromSeconds(c.Seconds), sim => sim.Heal());
            var data = new byte[30000];
            new Random((int)c.Seed).NextBytes(data);
            var got = new List<byte>();
            int sent = 0;
            var buffer = new byte[4096];
            SocketError failure = SocketError.Success;
            w.DriveUntil(() =>
            {
                int n = 0;
                SocketError e = sent < data.Length ? client.Send(data.AsSpan(sent), out n) : client.TakePendingError();
                if (e == SocketError.Success)
                {
                    sent += n;
                }
                else if (e != SocketError.WouldBlock)
                {
                    failure = e;
                }

                while (server.Receive(buffer, false, out int m) == SocketError.Success && m > 0)
                {
                    got.AddRange(buffer.AsSpan(0, m).ToArray());
                }

                return got.Count == data.Length || client.State == TcpState.Closed;
            });

            // 15 retransmissions from a 200 ms RTO, doubling to 120 s, give up after about 15 minutes.
            bool survives = c.Seconds < 600;
            bool intact = got.ToArray().AsSpan().SequenceEqual(data.AsSpan(0, got.Count));
            bool outcome = survives
                ? got.Count == data.Length && client.State == TcpState.Established
                : client.State == TcpState.Closed && failure == SocketError.TimedOut;
            return (intact && outcome).Label($"got={got.Count} state={client.State} error={failure} seconds={c.Seconds} oneWay={c.OneWay} seed={c.Seed}");
        });
    }

    [Fact]
    public void Close_with_a_linger_time_waits_for_the_FIN_to_be_acknowledged_or_for_the_time_to_pass()
    {
        var w = new TcpWorld(32, new LinkConditions { Latency = TimeSpan.FromMilliseconds(50) });
        using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen(2);

        var quick = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        quick.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        using Socket first = listener.Accept();
        quick.Send(new byte[5000]);
        TimeSpan start = w.Sim.Clock.Elapsed;
        quick.Close(10); // a healthy link: returns once data and FIN are acknowledged, about one round trip
        TimeSpan waited = w.Sim.Clock.Elapsed - start;
        Assert.InRange(waited, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

        var stuck = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        stuck.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        using Socket second = listener.Accept();
        w.Sim.Partition(w.A, w.B);
        stuck.LingerState = new System.Net.Sockets.LingerOption(true, 3);
        start = w.Sim.Clock.Elapsed;
        stuck.Dispose(); // nothing gets through: Dispose returns after the linger time
        Assert.Equal(TimeSpan.FromSeconds(3), w.Sim.Clock.Elapsed - start);
    }
}
