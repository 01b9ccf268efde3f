using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Transport.Tcp;
using Xunit;

namespace SimNet.Properties.Tcp;

/// <summary>
/// TCP re-arms its retransmit timer on every ACK and its delayed-ACK timer on every other segment. The
/// agenda must not keep one superseded event per re-arm: a timer has at most one event queued (plus one
/// per move to an earlier time), however much data went through.
/// </summary>
public class TimerAgendaProperties
{
    private sealed record Case(long Seed, int Bytes, int Write, int Read, int LatencyMs);

    private static Gen<Case> Cases() =>
        from seed in Gen.Choose(0, int.MaxValue)
        from bytes in Gen.Choose(200_000, 600_000)
        from write in Gen.Choose(500, 20_000)
        from read in Gen.Choose(500, 20_000)
        from latency in Gen.Choose(0, 20)
        select new Case(seed, bytes, write, read, latency);

    [SimNetProperty(MaxTest = 20)]
    public Property After_a_bulk_transfer_on_a_clean_link_the_agenda_holds_at_most_one_event_per_timer_of_each_connection()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var w = new TcpWorld(c.Seed, LinkConditions.Perfect with { Latency = TimeSpan.FromMilliseconds(c.LatencyMs) });
            TcpEndpoint listener = w.Listen();
            (TcpEndpoint client, TcpEndpoint server) = w.Connect(listener);
            int writes = (c.Bytes + c.Write - 1) / c.Write;
            var pump = new StreamPump(w, client, server, null, Enumerable.Repeat(c.Write, writes).ToArray(), new[] { c.Read }, (int)c.Seed);
            Assert.True(pump.Run());
            Assert.True(pump.EndOfStream);
            Assert.Equal(pump.Data, pump.Received);

            // Everything sent has arrived; what remains on the agenda can only be timers: two connections,
            // five timers each. Superseded events (one per re-arm) would number in the hundreds here.
            w.Sim.RunFor(TimeSpan.FromMilliseconds((4 * c.LatencyMs) + 1));
            Assert.InRange(w.Sim.AgendaCount, 0, 10);
            Assert.InRange(client.QueuedTimerEvents + server.QueuedTimerEvents, 0, 10);
        });
    }
}
