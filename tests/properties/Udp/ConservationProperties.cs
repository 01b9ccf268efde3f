using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Udp;

/// <summary>A generated scenario: topology, link conditions, and a list of sends of every kind.</summary>
internal sealed record TrafficCase(TopologySpec Spec, double Loss, int LatencyMs, int JitterMs, (int From, int To, int Kind, int Size)[] Sends)
{
    private static readonly IPAddress Group = IPAddress.Parse("239.9.9.9");

    public static Gen<TrafficCase> Generate() =>
        from spec in Topologies.Any()
        from loss in Gen.Elements(0.0, 0.0, 0.1, 0.5)
        from latency in Gen.Choose(0, 20)
        from jitter in Gen.Choose(0, 20)
        from sends in Gen.ArrayOf(
            from from_ in Gen.Choose(0, spec.HostSegments.Length - 1)
            from to in Gen.Choose(0, spec.HostSegments.Length - 1)
            from kind in Gen.Choose(0, 4)
            from size in Gen.Choose(0, 3000)
            select (from_, to, kind, size))
        select new TrafficCase(spec, loss, latency, jitter, sends);

    /// <summary>Runs the scenario; every host listens on 5000 and joins the group on its first adapter.</summary>
    public Simulation Run()
    {
        var net = new Network(Spec);
        foreach (Segment s in net.Segments)
        {
            s.Conditions = new LinkConditions { LossRate = Loss, Latency = TimeSpan.FromMilliseconds(LatencyMs), Jitter = TimeSpan.FromMilliseconds(JitterMs) };
        }

        var sockets = net.Hosts.Select(h =>
        {
            var s = new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
            s.Bind(new IPEndPoint(IPAddress.Any, 5000));
            s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Group, h.Adapters[0].Index));
            s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.HostToNetworkOrder(h.Adapters[0].Index));
            s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 4);
            return s;
        }).ToArray();
        foreach ((int from, int to, int kind, int size) in Sends)
        {
            int toSegment = Spec.HostSegments[to][0];
            int fromSegment = Spec.HostSegments[from][0];
            IPEndPoint target = kind switch
            {
                0 => new IPEndPoint(Network.Address(to, toSegment), 5000),       // unicast, maybe unreachable segment
                1 => new IPEndPoint(Network.Address(to, toSegment), 5001),       // nobody listens
                2 => new IPEndPoint(Network.SubnetBroadcast(fromSegment), 5000),
                3 => new IPEndPoint(Group, 5000),
                _ => new IPEndPoint(IPAddress.Loopback, 5000),
            };
            try
            {
                sockets[from].SendTo(new byte[size], target);
            }
            catch (SocketException)
            {
                // NetworkUnreachable for a destination on a segment the sender is not on: nothing was sent.
            }

            net.Sim.RunFor(TimeSpan.FromMilliseconds(1));
        }

        net.Sim.RunUntilIdle();
        return net.Sim;
    }
}

public class ConservationProperties
{
    [SimNetProperty(MaxTest = 60)]
    public Property Every_datagram_sent_or_copied_ends_exactly_once_delivered_or_dropped_with_a_reason()
    {
        return Prop.ForAll(Arb.From(TrafficCase.Generate()), c =>
        {
            Simulation sim = c.Run();
            var born = sim.Trace.Events.Where(e => e.Kind is TraceKind.Send or TraceKind.Copy).Select(e => e.PacketId).ToList();
            var ended = sim.Trace.Events.Where(e => e.Kind is TraceKind.Deliver or TraceKind.Drop).Select(e => e.PacketId).ToList();
            Assert.Equal(born.Count, born.Distinct().Count());
            Assert.Equal(born.OrderBy(x => x), ended.OrderBy(x => x));
            Assert.All(sim.Trace.Events.Where(e => e.Kind == TraceKind.Drop), e => Assert.NotEqual(DropReason.None, e.Reason));
        });
    }

    [SimNetProperty(MaxTest = 30)]
    public Property The_same_seed_gives_the_same_trace_hash_and_the_same_trace()
    {
        return Prop.ForAll(Arb.From(TrafficCase.Generate()), c =>
        {
            Simulation first = c.Run(), second = c.Run();
            Assert.Equal(first.Trace.Hash, second.Trace.Hash);
            Assert.Equal(first.Trace.Dump(), second.Trace.Dump());
        });
    }
}
