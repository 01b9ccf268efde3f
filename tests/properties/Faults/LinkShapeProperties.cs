using FsCheck;
using FsCheck.Fluent;
using SimNet.Kernel;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.Faults;

public class LinkShapeProperties
{
    [SimNetProperty(MaxTest = 40)]
    public Property Bandwidth_spaces_deliveries_by_serialization_time_and_a_full_queue_drops_the_excess() =>
        Seeds.ForAll(seed =>
        {
            var draw = new SimRandom(unchecked((ulong)seed) ^ 0xBA4DUL);
            long bps = draw.Next(64_000, 10_000_000);
            int size = draw.Next(0, 1400);
            int queue = draw.Next(1500, 30_000);
            int burst = draw.Next(1, 80);
            var w = new FaultWorld(seed, 2, routed: false);
            w.Sim.Segments[0].Conditions = new LinkConditions { BandwidthBitsPerSecond = bps, QueueLimitBytes = queue };
            var arrivals = new List<TimeSpan>();
            w.Sim.Trace.Recorded += e =>
            {
                if (e.Kind == TraceKind.Deliver)
                {
                    arrivals.Add(e.Time);
                }
            };
            for (int i = 0; i < burst; i++)
            {
                w.Send(0, 1, i, size); // all at the same instant
            }

            w.Sim.RunUntilIdle();
            int ipBytes = 20 + 8 + 8 + size;
            double serializationTicks = ipBytes * 8.0 * TimeSpan.TicksPerSecond / bps;

            // The first packet always goes; later ones while the backlog plus themselves fit the queue.
            int fits = 1 + Math.Max(0, (int)Math.Floor((queue - ipBytes) / (double)ipBytes) );
            int delivered = arrivals.Count;
            Assert.Equal(burst, delivered + w.Sim.Trace.Dropped(DropReason.QueueFull));
            Assert.InRange(delivered, Math.Min(burst, fits - 1), Math.Min(burst, fits + 1));
            for (int i = 0; i < arrivals.Count; i++)
            {
                double expected = (i + 1) * serializationTicks;
                Assert.InRange(arrivals[i].Ticks, expected - (i + 2), expected + (i + 2)); // rounding, one tick a packet
            }

            Assert.Equal(Enumerable.Range(0, delivered), w.Drain(1).Select(g => g.Seq));
        });

    [SimNetProperty(MaxTest = 40)]
    public Property A_link_mtu_drops_bigger_packets_as_too_big_and_passes_the_rest() =>
        Seeds.ForAll(seed =>
        {
            var draw = new SimRandom(unchecked((ulong)seed) ^ 0x3703UL);
            int mtu = draw.Next(68, 1500);
            var w = FaultWorld.Draw(seed, 2, 4);
            w.Sim.SetLink(w.Hosts[1].Adapters[0], new LinkConditions { Mtu = mtu });
            var sizes = Enumerable.Range(0, 30).Select(_ => draw.Next(0, 1600)).ToList();
            for (int i = 0; i < sizes.Count; i++)
            {
                w.Send(0, 1, i, sizes[i]);
            }

            w.Sim.RunUntilIdle();
            var expected = Enumerable.Range(0, sizes.Count).Where(i => 28 + 8 + sizes[i] <= mtu).ToList();
            Assert.Equal(expected, w.Drain(1).Select(g => g.Seq));
            Assert.Equal(sizes.Count - expected.Count, w.Sim.Trace.Dropped(DropReason.TooBig));
        });

    [SimNetProperty(MaxTest = 60)]
    public Property A_host_clock_reads_skew_plus_drifted_time_and_its_timers_fire_at_the_matching_virtual_time() =>
        Seeds.ForAll(seed =>
        {
            var draw = new SimRandom(unchecked((ulong)seed) ^ 0xC10CUL);
            var sim = new Simulation(seed);
            Host h = sim.AddHost("h");
            var skew = TimeSpan.FromMilliseconds(draw.Next(-100_000, 100_000));
            double drift = (draw.NextDouble() - 0.5) * 0.01; // ±0.5 %
            h.Clock.Skew = skew;
            h.Clock.Drift = drift;
            var run = TimeSpan.FromSeconds(draw.Next(1, 3600));
            sim.RunFor(run);
            long expectedTicks = skew.Ticks + (long)(run.Ticks * (1 + drift));
            Assert.InRange(h.Clock.Elapsed.Ticks, expectedTicks - 1, expectedTicks + 1);
            Assert.Equal(sim.Clock.Start + h.Clock.Elapsed, h.Clock.GetUtcNow());

            // A host timer of d host-seconds fires after d / (1 + drift) simulation seconds.
            var local = TimeSpan.FromMilliseconds(draw.Next(1, 100_000));
            TimeSpan firedAt = TimeSpan.MinValue;
            TimeSpan hostAtFire = TimeSpan.Zero;
            TimeSpan hostAtStart = h.Clock.Elapsed;
            using ITimer timer = h.Clock.CreateTimer(_ => { firedAt = sim.Clock.Elapsed; hostAtFire = h.Clock.Elapsed; }, null, local, Timeout.InfiniteTimeSpan);
            sim.RunFor(TimeSpan.FromSeconds(200));
            Assert.NotEqual(TimeSpan.MinValue, firedAt);
            Assert.InRange((hostAtFire - hostAtStart).Ticks, local.Ticks - 2, local.Ticks + 2);

            // Two hosts with opposite drift disagree by the sum of their drifts.
            Host other = sim.AddHost("other");
            other.Clock.Drift = -drift;
            TimeSpan a0 = h.Clock.Elapsed, b0 = other.Clock.Elapsed;
            sim.RunFor(TimeSpan.FromSeconds(1000));
            double gap = ((h.Clock.Elapsed - a0) - (other.Clock.Elapsed - b0)).TotalSeconds;
            Assert.InRange(gap, (2 * drift * 1000) - 1e-5, (2 * drift * 1000) + 1e-5);
        });
}
