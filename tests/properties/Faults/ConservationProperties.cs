using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Faults;
using SimNet.Kernel;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.Faults;

public class ConservationProperties
{
    /// <summary>Random link conditions, drawn from <paramref name="draw"/>; each fault is on or off by a coin.</summary>
    internal static LinkConditions DrawConditions(SimRandom draw) => new()
    {
        Latency = TimeSpan.FromMilliseconds(draw.Next(0, 5)),
        Jitter = draw.Chance(0.5) ? TimeSpan.FromMilliseconds(draw.Next(1, 10)) : TimeSpan.Zero,
        Delay = draw.Chance(0.3) ? DelayDistribution.Pareto(TimeSpan.FromMilliseconds(1), 1.5) : null,
        LossRate = draw.Chance(0.5) ? draw.NextDouble() * 0.3 : 0,
        BurstLoss = draw.Chance(0.3) ? new BurstLoss(0.05, 0.3) : null,
        DuplicationRate = draw.Chance(0.5) ? draw.NextDouble() * 0.3 : 0,
        ReorderRate = draw.Chance(0.5) ? draw.NextDouble() * 0.3 : 0,
        CorruptionRate = draw.Chance(0.5) ? draw.NextDouble() * 0.2 : 0,
        CorruptionEvadesChecksum = draw.Chance(0.5),
        BandwidthBitsPerSecond = draw.Chance(0.3) ? draw.Next(100_000, 10_000_000) : 0,
        QueueLimitBytes = draw.Next(2000, 20000),
        Mtu = draw.Chance(0.3) ? draw.Next(200, 1500) : 0,
    };

    [SimNetProperty(MaxTest = 60)]
    public Property Conservation_with_faults_every_datagram_is_delivered_or_dropped_with_a_reason_and_duplicates_are_accounted() =>
        Seeds.ForAll(seed =>
        {
            var w = FaultWorld.Draw(seed, 2, 6);
            var draw = new SimRandom(unchecked((ulong)seed) * 5 + 1);
            int n = w.Hosts.Count;
            foreach (Segment s in w.Sim.Segments)
            {
                s.Conditions = DrawConditions(draw);
            }

            if (draw.Chance(0.5))
            {
                w.Sim.SetLink(w.Hosts[0], w.Hosts[1], DrawConditions(draw), bothWays: draw.Chance(0.5));
            }

            if (draw.Chance(0.5))
            {
                w.Sim.SetLink(w.Hosts[draw.Next(n)].Adapters[0], DrawConditions(draw));
            }

            if (draw.Chance(0.4))
            {
                w.Sim.At(TimeSpan.FromMilliseconds(draw.Next(0, 50)), s => s.PartitionOneWay(w.Hosts[0], w.Hosts[n - 1]));
                w.Sim.At(TimeSpan.FromMilliseconds(draw.Next(50, 100)), s => s.Heal());
            }

            if (draw.Chance(0.4))
            {
                w.Sim.Hold(w.Hosts[n - 1], w.Hosts[0]);
            }

            if (draw.Chance(0.3))
            {
                NetworkAdapter nic = w.Hosts[draw.Next(n)].Adapters[0];
                w.Sim.At(TimeSpan.FromMilliseconds(draw.Next(0, 50)), _ => nic.IsUp = false);
                w.Sim.At(TimeSpan.FromMilliseconds(draw.Next(50, 100)), _ => nic.IsUp = true);
            }

            Host? crashed = draw.Chance(0.3) ? w.Hosts[draw.Next(n)] : null;
            if (crashed is not null)
            {
                w.Sim.At(TimeSpan.FromMilliseconds(draw.Next(0, 50)), _ => crashed.Crash());
                w.Sim.At(TimeSpan.FromMilliseconds(draw.Next(50, 100)), _ => crashed.Restart());
            }

            foreach (var e in w.Endpoints)
            {
                e.Broadcast = true;
            }

            int datagrams = draw.Next(20, 200);
            for (int i = 0; i < datagrams; i++)
            {
                int from = draw.Next(n);
                if (w.Endpoints[from].Closed)
                {
                    continue;
                }

                int size = draw.Chance(0.2) ? draw.Next(1000, 3000) : draw.Next(0, 200);
                switch (draw.Next(10))
                {
                    case 0: // to a port nobody listens on: ICMP port unreachable comes back
                        w.Endpoints[from].SendTo(new byte[size], FaultWorld.AddressOf(w.Hosts[(from + 1) % n]), 9999);
                        break;
                    case 1: // broadcast on the sender's subnet
                        w.Endpoints[from].SendTo(new byte[size], IPAddress.Broadcast, FaultWorld.Port);
                        break;
                    default:
                        w.Send(from, (from + 1 + draw.Next(n - 1)) % n, i, size);
                        break;
                }

                w.Sim.RunFor(TimeSpan.FromMilliseconds(draw.Next(0, 3)));
            }

            w.Sim.RunFor(TimeSpan.FromMilliseconds(200));
            w.Sim.Release();
            w.Sim.RunUntilIdle();

            Trace t = w.Sim.Trace;
            long dropped = Enum.GetValues<DropReason>().Sum(r => t.Dropped(r));
            Assert.Equal(0, t.Dropped(DropReason.None));
            Assert.Equal(t.Count(TraceKind.Drop), dropped);
            Assert.Equal(t.Count(TraceKind.Send) + t.Count(TraceKind.Copy), t.Count(TraceKind.Deliver) + dropped);

            // And packet by packet: every packet sent or copied ends exactly once.
            var terminal = new Dictionary<long, int>();
            foreach (TraceEvent e in t.Events)
            {
                if (e.Kind is TraceKind.Send or TraceKind.Copy)
                {
                    Assert.True(terminal.TryAdd(e.PacketId, 0), $"#{e.PacketId} started twice");
                }
                else if (e.Kind is TraceKind.Deliver or TraceKind.Drop)
                {
                    Assert.True(terminal.TryGetValue(e.PacketId, out int ends) && ends == 0, $"#{e.PacketId} ended twice or never started: {e}");
                    terminal[e.PacketId] = 1;
                }
            }

            Assert.All(terminal, kv => Assert.True(kv.Value == 1, $"#{kv.Key} never ended"));
        });
}
