using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Topology;

namespace SimNet.Properties.Support;

/// <summary>
/// A generated network: <see cref="SegmentCount"/> segments, and hosts whose adapters attach to the
/// listed segments in order. Host <c>h</c>'s adapter on segment <c>s</c> has 10.(s+1).0.(h+1)/24.
/// </summary>
internal sealed record TopologySpec(int SegmentCount, int[][] HostSegments, long Seed)
{
    public override string ToString() =>
        $"segments={SegmentCount} hosts=[{string.Join(" ", HostSegments.Select(h => "{" + string.Join(",", h) + "}"))}] seed={Seed}";
}

/// <summary>A built network, with the addressing rule of <see cref="TopologySpec"/>.</summary>
internal sealed class Network
{
    public Network(TopologySpec spec)
    {
        Spec = spec;
        Sim = new Simulation(spec.Seed);
        Segments = Enumerable.Range(0, spec.SegmentCount).Select(s => Sim.AddSegment($"seg{s}")).ToArray();
        Hosts = new Host[spec.HostSegments.Length];
        for (int h = 0; h < Hosts.Length; h++)
        {
            Hosts[h] = Sim.AddHost($"h{h}");
            foreach (int s in spec.HostSegments[h])
            {
                Hosts[h].AddAdapter($"eth{Hosts[h].Adapters.Count}", Segments[s], $"{Address(h, s)}/24");
            }
        }
    }

    public TopologySpec Spec { get; }

    public Simulation Sim { get; }

    public Segment[] Segments { get; }

    public Host[] Hosts { get; }

    public static IPAddress Address(int host, int segment) => IPAddress.Parse($"10.{segment + 1}.0.{host + 1}");

    public static IPAddress SubnetBroadcast(int segment) => IPAddress.Parse($"10.{segment + 1}.0.255");

    public NetworkAdapter AdapterOn(int host, int segment) =>
        Hosts[host].Adapters.First(a => a.Segment == Segments[segment]);

    public bool IsOn(int host, int segment) => Spec.HostSegments[host].Contains(segment);
}

internal static class Topologies
{
    /// <summary>2–6 hosts on 1–3 segments; each host has 1 to all segments, in a generated order.</summary>
    public static Gen<TopologySpec> Any(int minHosts = 2, int maxHosts = 6, int maxSegments = 3) =>
        from segments in Gen.Choose(1, maxSegments)
        from hostCount in Gen.Choose(minHosts, maxHosts)
        from hosts in Gen.ArrayOf(HostSegments(segments), hostCount)
        from seed in Gen.Choose(0, int.MaxValue)
        select new TopologySpec(segments, hosts, seed);

    /// <summary>Hosts that all share segment 0 (plus maybe others), so every pair can talk directly.</summary>
    public static Gen<TopologySpec> OneLan(int minHosts = 2, int maxHosts = 6) =>
        from spec in Any(minHosts, maxHosts)
        select spec with { HostSegments = spec.HostSegments.Select(h => h.Contains(0) ? h : h.Prepend(0).ToArray()).ToArray() };

    private static Gen<int[]> HostSegments(int segments) =>
        from count in Gen.Choose(1, segments)
        from order in Gen.Shuffle(Enumerable.Range(0, segments).ToArray())
        select order.Take(count).ToArray();
}
