using FsCheck;
using FsCheck.Fluent;
using SimNet.Kernel;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.Faults;

public class ScopeProperties
{
    [SimNetProperty(MaxTest = 50)]
    public Property Host_pair_conditions_act_on_exactly_their_pair_and_direction_once_per_path() =>
        Seeds.ForAll(seed =>
        {
            var w = FaultWorld.Draw(seed, 3, 6);
            var draw = new SimRandom(unchecked((ulong)seed) ^ 0x5C0EUL);
            int n = w.Hosts.Count;
            int x = draw.Next(n), y = (x + 1 + draw.Next(n - 1)) % n;
            bool bothWays = draw.Chance(0.5);
            var latency = TimeSpan.FromMilliseconds(draw.Next(1, 100));
            w.Sim.SetLink(w.Hosts[x], w.Hosts[y], new LinkConditions { Latency = latency }, bothWays);
            var delays = new Dictionary<(int From, int To), TimeSpan>();
            var sentAt = new Dictionary<long, TimeSpan>();
            w.Sim.Trace.Recorded += e =>
            {
                if (e.Kind == TraceKind.Send)
                {
                    sentAt[e.PacketId] = e.Time;
                }
            };
            for (int from = 0; from < n; from++)
            {
                for (int to = 0; to < n; to++)
                {
                    if (from == to)
                    {
                        continue;
                    }

                    long before = w.Sim.Trace.Count(TraceKind.Deliver);
                    TimeSpan start = w.Sim.Clock.Elapsed;
                    w.Send(from, to, 0);
                    w.Sim.RunUntilIdle();
                    Assert.Equal(before + 1, w.Sim.Trace.Count(TraceKind.Deliver));
                    delays[(from, to)] = w.Sim.Clock.Elapsed - start;
                }
            }

            foreach (((int from, int to), TimeSpan delay) in delays)
            {
                bool scoped = (from == x && to == y) || (bothWays && from == y && to == x);
                Assert.True(delay == (scoped ? latency : TimeSpan.Zero), $"h{from} -> h{to} took {delay}, scoped={scoped}");
            }
        });

    [SimNetProperty(MaxTest = 50)]
    public Property Adapter_conditions_act_on_everything_the_adapter_sends_or_receives_and_nothing_else() =>
        Seeds.ForAll(seed =>
        {
            var w = FaultWorld.Draw(seed, 3, 6);
            var draw = new SimRandom(unchecked((ulong)seed) ^ 0xADA9UL);
            int n = w.Hosts.Count;
            int k = draw.Next(n);
            w.Sim.SetLink(w.Hosts[k].Adapters[0], new LinkConditions { LossRate = 1 });
            for (int from = 0; from < n; from++)
            {
                for (int to = 0; to < n; to++)
                {
                    if (from != to)
                    {
                        w.Send(from, to, from);
                    }
                }
            }

            w.Sim.RunUntilIdle();
            for (int to = 0; to < n; to++)
            {
                var got = w.Drain(to).Select(g => g.From).OrderBy(f => f).ToList();
                var expected = to == k ? new List<int>() : Enumerable.Range(0, n).Where(f => f != to && f != k).ToList();
                Assert.Equal(expected, got);
            }

            Assert.Equal(2 * (n - 1), w.Sim.Trace.Dropped(DropReason.Loss));

            w.Sim.SetLink(w.Hosts[k].Adapters[0], LinkConditions.Perfect);
            w.Send(k, (k + 1) % n, 0);
            w.Sim.RunUntilIdle();
            Assert.Single(w.Drain((k + 1) % n));
        });
}
