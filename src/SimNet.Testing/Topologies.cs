using System.Globalization;
using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Topology;

namespace SimNet.Testing;

/// <summary>
/// A generated network: <see cref="SegmentCount"/> segments, hosts whose adapters attach to the listed segments in
/// order (adapter <c>eth0</c> on the first listed segment, and so on), and routers joining segments.
/// Host <c>h</c>'s adapter on segment <c>s</c> has <c>10.(s+1).0.(h+1)/24</c> and, with <see cref="IPv6"/>,
/// <c>2001:db8:(s+1)::(h+1)/64</c>; router <c>r</c> has host number <c>200+r</c> on each of its segments.
/// </summary>
/// <param name="SegmentCount">How many segments (1 to 50).</param>
/// <param name="HostSegments">For each host, the segments its adapters attach to, in adapter order.</param>
/// <param name="Seed">The simulation's seed.</param>
public sealed record TopologySpec(int SegmentCount, int[][] HostSegments, long Seed)
{
    /// <summary>Whether every adapter also gets an IPv6 address (documentation range 2001:db8::/32).</summary>
    public bool IPv6 { get; init; }

    /// <summary>For each router, the segments it joins (two or more); hosts and routers get routes through them.</summary>
    public int[][] Routers { get; init; } = [];

    /// <summary>One line naming every parameter, so a failing case can be rebuilt by hand.</summary>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"segments={SegmentCount} hosts=[{Join(HostSegments)}]");
        if (Routers.Length > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" routers=[{Join(Routers)}]");
        }

        text.Append(CultureInfo.InvariantCulture, $" ipv6={(IPv6 ? "on" : "off")} seed={Seed}");
        return text.ToString();
    }

    private static string Join(int[][] lists) => string.Join(" ", lists.Select(h => "{" + string.Join(",", h) + "}"));
}

/// <summary>A built network, with the addressing rule of <see cref="TopologySpec"/>.</summary>
public sealed class Network
{
    /// <summary>Builds <paramref name="spec"/> in a new <see cref="Simulation"/> seeded with its seed.</summary>
    public Network(TopologySpec spec)
        : this(spec, new Simulation(spec.Seed))
    {
    }

    /// <summary>Builds <paramref name="spec"/> into <paramref name="simulation"/>.</summary>
    public Network(TopologySpec spec, Simulation simulation)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(simulation);
        Spec = spec;
        Sim = simulation;
        Segments = new Segment[spec.SegmentCount];
        for (int s = 0; s < Segments.Length; s++)
        {
            Segments[s] = Sim.AddSegment($"seg{s}");
        }

        Hosts = new Host[spec.HostSegments.Length];
        for (int h = 0; h < Hosts.Length; h++)
        {
            Hosts[h] = Sim.AddHost($"h{h}");
            Attach(Hosts[h], h, spec.HostSegments[h]);
        }

        Routers = new Host[spec.Routers.Length];
        for (int r = 0; r < Routers.Length; r++)
        {
            Routers[r] = Sim.AddRouter($"r{r}");
            Attach(Routers[r], RouterNumber(r), spec.Routers[r]);
        }

        if (Routers.Length > 0)
        {
            AddRoutes();
        }
    }

    /// <summary>What was built.</summary>
    public TopologySpec Spec { get; }

    /// <summary>The simulation holding the network.</summary>
    public Simulation Sim { get; }

    /// <summary>The segments, by index.</summary>
    public Segment[] Segments { get; }

    /// <summary>The hosts, by index (named <c>h0</c>, <c>h1</c>, ...).</summary>
    public Host[] Hosts { get; }

    /// <summary>The routers, by index (named <c>r0</c>, <c>r1</c>, ...).</summary>
    public Host[] Routers { get; }

    /// <summary>Host <paramref name="host"/>'s IPv4 address on segment <paramref name="segment"/>.</summary>
    public static IPAddress Address(int host, int segment) => IPAddress.Parse($"10.{segment + 1}.0.{host + 1}");

    /// <summary>Host <paramref name="host"/>'s IPv6 address on segment <paramref name="segment"/> (with <see cref="TopologySpec.IPv6"/>).</summary>
    public static IPAddress Address6(int host, int segment) => IPAddress.Parse($"2001:db8:{segment + 1:x}::{host + 1:x}");

    /// <summary>Segment <paramref name="segment"/>'s subnet broadcast address.</summary>
    public static IPAddress SubnetBroadcast(int segment) => IPAddress.Parse($"10.{segment + 1}.0.255");

    /// <summary>The host number router <paramref name="router"/> uses in its addresses (200 + index).</summary>
    public static int RouterNumber(int router) => 199 + router;

    /// <summary>Host <paramref name="host"/>'s adapter on segment <paramref name="segment"/>.</summary>
    public NetworkAdapter AdapterOn(int host, int segment) =>
        Hosts[host].Adapters.First(a => a.Segment == Segments[segment]);

    /// <summary>Whether host <paramref name="host"/> has an adapter on segment <paramref name="segment"/>.</summary>
    public bool IsOn(int host, int segment) => Spec.HostSegments[host].Contains(segment);

    private void Attach(Host host, int number, int[] segments)
    {
        foreach (int s in segments)
        {
            var addresses = new List<string> { $"{Address(number, s)}/24" };
            if (Spec.IPv6)
            {
                addresses.Add($"{Address6(number, s)}/64");
            }

            host.AddAdapter($"eth{host.Adapters.Count}", Segments[s], addresses.ToArray());
        }
    }

    // Every host and router gets a route to each segment it is not on, through the first router on a shortest path.
    private void AddRoutes()
    {
        var all = Hosts.Select((h, i) => (Host: h, Segments: Spec.HostSegments[i]))
            .Concat(Routers.Select((r, i) => (Host: r, Segments: Spec.Routers[i])));
        foreach (var (host, own) in all)
        {
            // Breadth-first over segments; for each reached segment remember the router and segment of the first hop.
            var firstHop = new Dictionary<int, (int Router, int Via)>();
            var queue = new Queue<int>(own);
            var seen = new HashSet<int>(own);
            while (queue.Count > 0)
            {
                int s = queue.Dequeue();
                for (int r = 0; r < Spec.Routers.Length; r++)
                {
                    if (!Spec.Routers[r].Contains(s) || Routers[r] == host)
                    {
                        continue;
                    }

                    foreach (int next in Spec.Routers[r])
                    {
                        if (seen.Add(next))
                        {
                            firstHop[next] = firstHop.TryGetValue(s, out var hop) ? hop : (r, s);
                            queue.Enqueue(next);
                        }
                    }
                }
            }

            foreach (var (target, hop) in firstHop.OrderBy(p => p.Key))
            {
                host.AddRoute($"10.{target + 1}.0.0/24", Address(RouterNumber(hop.Router), hop.Via).ToString());
                if (Spec.IPv6)
                {
                    host.AddRoute($"2001:db8:{target + 1:x}::/64", Address6(RouterNumber(hop.Router), hop.Via).ToString());
                }
            }
        }
    }
}

/// <summary>FsCheck generators of <see cref="TopologySpec"/>s; the arbitraries shrink toward fewer hosts, adapters and routers.</summary>
public static class Topologies
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

    /// <summary>
    /// Segments in a chain joined by routers (router <c>r</c> joins segments <c>r</c> and <c>r+1</c>), 1–3 hosts per
    /// segment on one adapter each, IPv4 and sometimes IPv6: every host reaches every other, some across several hops.
    /// </summary>
    public static Gen<TopologySpec> Routed(int maxSegments = 4, int maxHostsPerSegment = 3) =>
        from segments in Gen.Choose(2, maxSegments)
        from perSegment in Gen.ArrayOf(Gen.Choose(1, maxHostsPerSegment), segments)
        from ipv6 in Gen.Elements(false, true)
        from seed in Gen.Choose(0, int.MaxValue)
        select new TopologySpec(
            segments,
            perSegment.SelectMany((count, s) => Enumerable.Repeat(new[] { s }, count)).ToArray(),
            seed)
        {
            IPv6 = ipv6,
            Routers = Enumerable.Range(0, segments - 1).Select(r => new[] { r, r + 1 }).ToArray(),
        };

    /// <summary><see cref="Any"/> as an arbitrary that shrinks (see <see cref="Shrink"/>).</summary>
    public static Arbitrary<TopologySpec> Arbitrary(int minHosts = 2, int maxHosts = 6, int maxSegments = 3) =>
        Arb.From(Any(minHosts, maxHosts, maxSegments), spec => Shrink(spec, minHosts));

    /// <summary>
    /// Smaller versions of <paramref name="spec"/>: without one host (never below <paramref name="minHosts"/>), then
    /// with one host's last adapter removed, then without IPv6. Routers and the seed stay, so routes stay valid.
    /// </summary>
    public static IEnumerable<TopologySpec> Shrink(TopologySpec spec, int minHosts = 1)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.HostSegments.Length > minHosts)
        {
            for (int h = spec.HostSegments.Length - 1; h >= 0; h--)
            {
                yield return spec with { HostSegments = spec.HostSegments.Where((_, i) => i != h).ToArray() };
            }
        }

        for (int h = 0; h < spec.HostSegments.Length; h++)
        {
            if (spec.HostSegments[h].Length > 1)
            {
                int[][] fewer = (int[][])spec.HostSegments.Clone();
                fewer[h] = spec.HostSegments[h][..^1];
                yield return spec with { HostSegments = fewer };
            }
        }

        if (spec.IPv6)
        {
            yield return spec with { IPv6 = false };
        }
    }

    private static Gen<int[]> HostSegments(int segments) =>
        from count in Gen.Choose(1, segments)
        from order in Gen.Shuffle(Enumerable.Range(0, segments).ToArray())
        select order.Take(count).ToArray();
}
