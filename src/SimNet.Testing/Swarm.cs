using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Topology;

namespace SimNet.Testing;

/// <summary>
/// One swarm run: its own topology, link conditions, and a fault mix drawn for this run only (swarm testing: each
/// run switches whole fault kinds on or off, so rare combinations get runs of their own).
/// </summary>
/// <param name="Topology">The network.</param>
/// <param name="Link">The conditions every segment gets.</param>
/// <param name="Kinds">The fault kinds this run allows (possibly none).</param>
/// <param name="Faults">The faults drawn from those kinds.</param>
public sealed record SwarmCase(TopologySpec Topology, LinkConditions Link, IReadOnlyList<FaultKind> Kinds, FaultSchedule Faults)
{
    /// <summary>The simulation's seed.</summary>
    public long Seed => Topology.Seed;

    /// <summary>Builds the network, sets every segment's link conditions and schedules the faults.</summary>
    public Network Build()
    {
        var network = new Network(Topology);
        foreach (Segment segment in network.Segments)
        {
            network.Sim.SetLink(segment, Link);
        }

        Faults.ApplyTo(network);
        return network;
    }

    /// <summary>Every parameter of the run on one line, seed first, so a failure can be read and rebuilt from the log alone.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"seed={Seed} {Topology} {FaultGen.Describe(Link)} kinds=[{string.Join(",", Kinds).ToLowerInvariant()}] faults=[{Faults}]");
}

/// <summary>
/// The swarm runner: a property over <see cref="SwarmCase"/>s. Inside a <see cref="SimNetPropertyAttribute"/> method,
/// a failure prints the SimNet seed with its replay line, and FsCheck prints the shrunk case's one-line description
/// (every parameter beside its seed).
/// </summary>
/// <example><code>
/// [SimNetProperty(MaxTest = 30)]
/// public Property No_request_is_lost() => Swarm.ForAll(run =>
/// {
///     Network net = run.Build();
///     // start the app on net.Hosts, run for the horizon, assert
/// });
/// </code></example>
public static class Swarm
{
    /// <summary>How long the drawn faults span by default: 2 seconds of virtual time.</summary>
    public static TimeSpan DefaultHorizon { get; } = TimeSpan.FromSeconds(2);

    /// <summary>Swarm cases over <see cref="Topologies.OneLan"/> networks, with faults within <paramref name="horizon"/>.</summary>
    public static Gen<SwarmCase> Cases(TimeSpan? horizon = null, int maxFaults = 4, Gen<TopologySpec>? topologies = null) =>
        from topology in topologies ?? Topologies.OneLan()
        from link in FaultGen.Link
        from mask in Gen.Choose(0, (1 << FaultGen.AllKinds.Count) - 1)
        let kinds = FaultGen.AllKinds.Where((_, i) => (mask & (1 << i)) != 0).ToArray()
        from faults in kinds.Length == 0 || topology.HostSegments.Length < 2
            ? Gen.Constant(FaultSchedule.None)
            : FaultGen.Schedule(topology.HostSegments.Length, horizon ?? DefaultHorizon, maxFaults, kinds)
        select new SwarmCase(topology, link, kinds, faults);

    /// <summary>Smaller cases: fewer faults first, then a simpler link, then fewer hosts (with the faults on removed hosts dropped).</summary>
    public static IEnumerable<SwarmCase> Shrink(SwarmCase run)
    {
        ArgumentNullException.ThrowIfNull(run);
        foreach (FaultSchedule faults in FaultGen.Shrink(run.Faults))
        {
            yield return run with { Faults = faults };
        }

        foreach (LinkConditions link in FaultGen.ShrinkLink(run.Link))
        {
            yield return run with { Link = link };
        }

        int hosts = run.Topology.HostSegments.Length;
        if (hosts > 2)
        {
            // Dropping the last host keeps every other host's index.
            TopologySpec smaller = run.Topology with { HostSegments = run.Topology.HostSegments[..^1] };
            yield return run with
            {
                Topology = smaller,
                Faults = new FaultSchedule(run.Faults.Faults.Where(f => f.A < hosts - 1 && f.B < hosts - 1).ToArray()),
            };
        }
    }

    /// <summary>The property that <paramref name="scenario"/> passes for every drawn swarm case.</summary>
    public static Property ForAll(Action<SwarmCase> scenario, TimeSpan? horizon = null, int maxFaults = 4, Gen<TopologySpec>? topologies = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return Prop.ForAll(Arb.From(Cases(horizon, maxFaults, topologies), Shrink), scenario);
    }
}
