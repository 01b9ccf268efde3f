using FsCheck;
using FsCheck.Fluent;
using SimNet.Kernel;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.Faults;

public class PartitionProperties
{
    [SimNetProperty(MaxTest = 60)]
    public Property No_datagram_crosses_a_partition_in_the_blocked_direction_and_after_healing_all_flow() =>
        Seeds.ForAll(seed =>
        {
            var w = FaultWorld.Draw(seed, 3, 7);
            var draw = new SimRandom(unchecked((ulong)seed) * 31);
            int n = w.Hosts.Count;

            // Each host lands on side A, side B, or neither; both sides non-empty.
            int[] side = new int[n];
            for (int i = 0; i < n; i++)
            {
                side[i] = draw.Next(3);
            }

            side[0] = 1;
            side[1] = 2;
            bool oneWay = draw.Chance(0.5);
            var a = w.Hosts.Where((_, i) => side[i] == 1).ToList();
            var b = w.Hosts.Where((_, i) => side[i] == 2).ToList();
            if (oneWay)
            {
                w.Sim.PartitionOneWay(a, b);
            }
            else
            {
                w.Sim.Partition(a, b);
            }

            bool Blocked(int x, int y) => (side[x] == 1 && side[y] == 2) || (!oneWay && side[x] == 2 && side[y] == 1);
            int perPair = draw.Next(1, 5);
            SendAll(w, perPair, 0);
            w.Sim.RunUntilIdle();
            int blockedPairs = 0;
            for (int to = 0; to < n; to++)
            {
                var got = w.Drain(to);
                for (int from = 0; from < n; from++)
                {
                    if (from == to)
                    {
                        continue;
                    }

                    int count = got.Count(g => g.From == from);
                    if (Blocked(from, to))
                    {
                        blockedPairs++;
                        Assert.True(count == 0, $"{count} datagrams crossed the partition from h{from} to h{to}");
                    }
                    else
                    {
                        Assert.Equal(perPair, count);
                    }
                }
            }

            Assert.Equal(blockedPairs * perPair, w.Sim.Trace.Dropped(DropReason.Partition));
            Assert.True(w.Sim.IsPartitioned(a[0], b[0]));

            w.Sim.Heal();
            Assert.False(w.Sim.IsPartitioned(a[0], b[0]));
            SendAll(w, perPair, 100);
            w.Sim.RunUntilIdle();
            for (int to = 0; to < n; to++)
            {
                var got = w.Drain(to);
                Assert.Equal((n - 1) * perPair, got.Count);
            }

            Assert.Equal(blockedPairs * perPair, w.Sim.Trace.Dropped(DropReason.Partition));
        });

    [SimNetProperty(MaxTest = 30)]
    public Property A_partition_scheduled_with_At_blocks_only_between_its_start_and_its_heal() =>
        Seeds.ForAll(seed =>
        {
            var w = FaultWorld.Draw(seed, 2, 4);
            var draw = new SimRandom(unchecked((ulong)seed) * 7);
            int start = draw.Next(1, 20), end = start + draw.Next(1, 20);
            w.Sim.At(TimeSpan.FromSeconds(start), s => s.Partition(w.Hosts[0], w.Hosts[1]));
            w.Sim.At(TimeSpan.FromSeconds(end), s => s.Heal(w.Hosts[0], w.Hosts[1]));

            // One datagram each way every second, sent half a second into the second.
            for (int t = 0; t < end + 5; t++)
            {
                w.Sim.RunFor(TimeSpan.FromMilliseconds(500));
                w.Send(0, 1, t);
                w.Send(1, 0, t);
                w.Sim.RunFor(TimeSpan.FromMilliseconds(500));
            }

            for (int host = 0; host < 2; host++)
            {
                var seqs = w.Drain(host).Select(g => g.Seq).ToList();
                var expected = Enumerable.Range(0, end + 5).Where(t => t < start || t >= end).ToList();
                Assert.Equal(expected, seqs);
            }
        });

    [SimNetProperty(MaxTest = 60)]
    public Property Hold_then_release_delivers_everything_held_in_send_order() =>
        Seeds.ForAll(seed =>
        {
            var w = FaultWorld.Draw(seed, 3, 5);
            var draw = new SimRandom(unchecked((ulong)seed) * 13);
            // Jitter on the held hop (which release skips); beyond a router only fixed latency, since jitter
            // there could reorder what release handed on in order.
            bool routed = w.Router is not null;
            foreach (var segment in w.Sim.Segments)
            {
                segment.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(draw.Next(0, 5)), Jitter = routed ? TimeSpan.Zero : TimeSpan.FromMilliseconds(draw.Next(0, 20)) };
            }

            Host a = w.Hosts[0], b = w.Hosts[1];
            w.Sim.Hold(a, b);
            int k = draw.Next(1, 40);
            for (int i = 0; i < k; i++)
            {
                w.Send(0, 1, i);
                w.Send(1, 0, i);
                w.Send(2, 1, i); // not held
                w.Sim.RunFor(TimeSpan.FromMilliseconds(draw.Next(0, 3)));
            }

            w.Sim.RunFor(TimeSpan.FromSeconds(1));
            var bBefore = w.Drain(1);
            Assert.DoesNotContain(bBefore, g => g.From == 0);
            Assert.Equal(k, bBefore.Count(g => g.From == 2));
            Assert.Empty(w.Drain(0));

            int released = w.Sim.Release(a, b);
            Assert.Equal(2 * k, released);
            w.Sim.RunUntilIdle();
            Assert.Equal(Enumerable.Range(0, k), w.Drain(1).Select(g => g.Seq));
            Assert.Equal(Enumerable.Range(0, k), w.Drain(0).Select(g => g.Seq));
            Assert.Equal(w.Sim.Trace.Count(TraceKind.Send), w.Sim.Trace.Count(TraceKind.Deliver));
        });

    private static void SendAll(FaultWorld w, int perPair, int seqBase)
    {
        for (int s = 0; s < perPair; s++)
        {
            for (int from = 0; from < w.Hosts.Count; from++)
            {
                for (int to = 0; to < w.Hosts.Count; to++)
                {
                    if (from != to)
                    {
                        w.Send(from, to, seqBase + s);
                    }
                }
            }
        }
    }
}
