using FsCheck;
using FsCheck.Fluent;
using SimNet.Faults;
using SimNet.Kernel;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.Faults;

/// <summary>Measured fault rates over many datagrams stay within statistical bounds of the configured rates.</summary>
public class LinkRateProperties
{
    private const int Datagrams = 10000;

    /// <summary>Sends <see cref="Datagrams"/> datagrams h0 → h1, one a millisecond, under <paramref name="conditions"/>; returns what h1 got.</summary>
    private static (FaultWorld World, List<(int From, int Seq, bool Intact)> Got) Stream(long seed, LinkConditions conditions, int extraBytes = 0)
    {
        var w = new FaultWorld(seed, 2, routed: false);
        w.Sim.Segments[0].Conditions = conditions;
        for (int i = 0; i < Datagrams; i++)
        {
            w.Send(0, 1, i, extraBytes);
            w.Sim.RunFor(TimeSpan.FromMilliseconds(1));
        }

        w.Sim.RunUntilIdle();
        return (w, w.Drain(1));
    }

    /// <summary>Binomial bound: 4.5 standard deviations (a correct link fails about once in 150,000 checks) plus rounding slack.</summary>
    private static void WithinBounds(double measured, double rate, string what)
    {
        double tolerance = (4.5 * Math.Sqrt(rate * (1 - rate) / Datagrams)) + 0.0005;
        Assert.True(Math.Abs(measured - rate) <= tolerance, $"{what}: measured {measured:F4}, configured {rate:F4}, tolerance {tolerance:F4}");
    }

    private static double DrawRate(long seed, double max) => 0.01 + (new SimRandom(unchecked((ulong)seed) ^ 0xBADC0DEUL).NextDouble() * (max - 0.01));

    [SimNetProperty(MaxTest = 5)]
    public Property Measured_loss_rate_is_within_bounds_of_the_configured_rate() =>
        Seeds.ForAll(seed =>
        {
            double rate = DrawRate(seed, 0.4);
            var (w, got) = Stream(seed, new LinkConditions { LossRate = rate });
            WithinBounds(1 - (got.Count / (double)Datagrams), rate, "loss");
            Assert.Equal(Datagrams - got.Count, w.Sim.Trace.Dropped(DropReason.Loss));
        });

    [SimNetProperty(MaxTest = 5)]
    public Property Measured_duplication_rate_is_within_bounds_and_duplicates_are_traced_as_copies() =>
        Seeds.ForAll(seed =>
        {
            double rate = DrawRate(seed, 0.4);
            var (w, got) = Stream(seed, new LinkConditions { DuplicationRate = rate });
            int duplicates = got.Count - got.Select(g => g.Seq).Distinct().Count();
            Assert.Equal(Datagrams, got.Select(g => g.Seq).Distinct().Count());
            WithinBounds(duplicates / (double)Datagrams, rate, "duplication");
            Assert.Equal(duplicates, w.Sim.Trace.Count(TraceKind.Copy));
            var ids = w.Sim.Trace.Events.Where(e => e.Kind == TraceKind.Copy).Select(e => e.PacketId).ToList();
            Assert.Equal(ids.Count, ids.Distinct().Count());
            Assert.All(w.Sim.Trace.Events.Where(e => e.Kind == TraceKind.Copy), e => Assert.NotEqual(0, e.ParentId));
        });

    [SimNetProperty(MaxTest = 5)]
    public Property Measured_reordering_rate_is_within_bounds_of_the_configured_rate() =>
        Seeds.ForAll(seed =>
        {
            double rate = DrawRate(seed, 0.3);
            var (_, got) = Stream(seed, new LinkConditions { ReorderRate = rate, ReorderDelay = TimeSpan.FromMilliseconds(5) });
            Assert.Equal(Datagrams, got.Count);

            // A datagram is reordered when one sent after it arrived first.
            int reordered = 0, highest = -1;
            foreach (var g in got)
            {
                if (g.Seq < highest)
                {
                    reordered++;
                }

                highest = Math.Max(highest, g.Seq);
            }

            WithinBounds(reordered / (double)Datagrams, rate, "reordering");
        });

    [SimNetProperty(MaxTest = 4)]
    public Property Burst_loss_matches_its_long_run_rate_and_comes_in_bursts() =>
        Seeds.ForAll(seed =>
        {
            var draw = new SimRandom(unchecked((ulong)seed) ^ 0xB0B5UL);
            var model = new BurstLoss(GoodToBad: 0.01 + (draw.NextDouble() * 0.03), BadToGood: 0.2 + (draw.NextDouble() * 0.3));
            var (_, got) = Stream(seed, new LinkConditions { BurstLoss = model });
            var received = new bool[Datagrams];
            foreach (var g in got)
            {
                received[g.Seq] = true;
            }

            int lost = received.Count(r => !r);
            int bursts = received.Where((r, i) => !r && (i == 0 || received[i - 1])).Count();
            double rate = lost / (double)Datagrams;

            // Bursts correlate losses, so allow three times the binomial spread.
            double expected = model.ExpectedLossRate;
            double tolerance = (15 * Math.Sqrt(expected * (1 - expected) / Datagrams)) + 0.005;
            Assert.True(Math.Abs(rate - expected) <= tolerance, $"burst loss rate {rate:F4}, expected {expected:F4} ± {tolerance:F4}");

            // Mean burst length is 1/BadToGood (2..5 here); independent loss at this rate gives about 1.1.
            double meanBurst = lost / (double)Math.Max(1, bursts);
            Assert.True(meanBurst > 1.5, $"mean burst {meanBurst:F2} packets: losses are not bursty");
        });

    [SimNetProperty(MaxTest = 4)]
    public Property Corrupted_datagrams_fail_their_checksum_unless_corruption_evades_it() =>
        Seeds.ForAll(seed =>
        {
            double rate = DrawRate(seed, 0.3);
            var (w, got) = Stream(seed, new LinkConditions { CorruptionRate = rate }, extraBytes: 32);
            long failed = w.Sim.Trace.Dropped(DropReason.ChecksumFailed);
            Assert.Equal(Datagrams - got.Count, failed);
            Assert.Equal(failed, w.Sim.Trace.Count(TraceKind.Fault));
            Assert.All(got, g => Assert.True(g.Intact));
            WithinBounds(failed / (double)Datagrams, rate, "corruption");

            var (w2, got2) = Stream(seed, new LinkConditions { CorruptionRate = rate, CorruptionEvadesChecksum = true }, extraBytes: 32);
            Assert.Equal(Datagrams, got2.Count);
            Assert.Equal(0, w2.Sim.Trace.Dropped(DropReason.ChecksumFailed));
            long damaged = w2.Sim.Trace.Count(TraceKind.Fault);
            WithinBounds(damaged / (double)Datagrams, rate, "evading corruption");

            // One bit flipped per corrupted datagram: in the 8-byte header or the 32 zero bytes after it.
            int visiblyDamaged = got2.Count(g => !g.Intact || g.From != 0 || g.Seq < 0 || g.Seq >= Datagrams);
            Assert.InRange(visiblyDamaged, 1, (int)damaged);
        });

    [SimNetProperty(MaxTest = 4)]
    public Property Delay_distributions_never_deliver_early_and_their_mean_matches() =>
        Seeds.ForAll(seed =>
        {
            var draw = new SimRandom(unchecked((ulong)seed) ^ 0xDE1AUL);
            var latency = TimeSpan.FromMilliseconds(draw.Next(0, 10));
            var mean = TimeSpan.FromMilliseconds(draw.Next(5, 50));
            (DelayDistribution dist, double expectedMs, double sdMs) = draw.Next(3) switch
            {
                0 => (DelayDistribution.Normal(mean, mean / 5), mean.TotalMilliseconds, mean.TotalMilliseconds / 5),
                1 => (DelayDistribution.Uniform(TimeSpan.Zero, mean * 2), mean.TotalMilliseconds, mean.TotalMilliseconds * 2 / Math.Sqrt(12)),
                _ => (DelayDistribution.Pareto(mean / 3, 3.0), mean.TotalMilliseconds / 2, mean.TotalMilliseconds / 3 * 0.87),
            };
            var w = new FaultWorld(seed, 2, routed: false);
            w.Sim.Segments[0].Conditions = new LinkConditions { Latency = latency, Delay = dist };
            var sent = new Dictionary<long, TimeSpan>();
            var delays = new List<double>();
            w.Sim.Trace.KeepEvents = false;
            w.Sim.Trace.Recorded += e =>
            {
                if (e.Kind == TraceKind.Send)
                {
                    sent[e.PacketId] = e.Time;
                }
                else if (e.Kind == TraceKind.Deliver)
                {
                    delays.Add((e.Time - sent[e.PacketId]).TotalMilliseconds);
                }
            };
            for (int i = 0; i < 2000; i++)
            {
                w.Send(0, 1, i);
                w.Sim.RunFor(TimeSpan.FromMilliseconds(1));
            }

            w.Sim.RunUntilIdle();
            Assert.Equal(2000, delays.Count);
            Assert.All(delays, d => Assert.True(d >= latency.TotalMilliseconds - 1e-9, $"delivered after {d} ms, before the {latency.TotalMilliseconds} ms latency"));
            double measured = delays.Average() - latency.TotalMilliseconds;
            double tolerance = (6 * sdMs / Math.Sqrt(2000)) + 0.05;
            Assert.True(Math.Abs(measured - expectedMs) <= tolerance, $"{dist}: mean extra delay {measured:F3} ms, expected {expectedMs:F3} ± {tolerance:F3}");
        });
}
