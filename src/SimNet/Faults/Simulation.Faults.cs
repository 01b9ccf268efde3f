using SimNet.Faults;
using SimNet.Topology;

namespace SimNet;

/// <summary>The fault verbs: partitions, holds and scoped link conditions, readable in a test like a script.</summary>
public sealed partial class Simulation
{
    private FaultPlan? faults;

    internal FaultPlan Faults => faults ??= new FaultPlan(this);

    /// <summary>Cuts <paramref name="a"/> and <paramref name="b"/> off from each other, both ways, until <see cref="Heal()"/>.</summary>
    public void Partition(Host a, Host b) => Partition(new[] { a }, new[] { b });

    /// <summary>Cuts every host of <paramref name="sideA"/> off from every host of <paramref name="sideB"/>, both ways.</summary>
    public void Partition(IEnumerable<Host> sideA, IEnumerable<Host> sideB) => AddPartition(sideA, sideB, oneWay: false);

    /// <summary>Drops packets from <paramref name="from"/> to <paramref name="to"/>; the other way still works (an asymmetric failure).</summary>
    public void PartitionOneWay(Host from, Host to) => PartitionOneWay(new[] { from }, new[] { to });

    /// <summary>Drops packets from any host of <paramref name="from"/> to any host of <paramref name="to"/>; the other way still works.</summary>
    public void PartitionOneWay(IEnumerable<Host> from, IEnumerable<Host> to) => AddPartition(from, to, oneWay: true);

    /// <summary>Ends every partition.</summary>
    public void Heal()
    {
        lock (Gate)
        {
            Faults.Heal(_ => true);
        }
    }

    /// <summary>Ends every partition between <paramref name="a"/> and <paramref name="b"/> (either direction).</summary>
    public void Heal(Host a, Host b)
    {
        Own(a, nameof(a));
        Own(b, nameof(b));
        lock (Gate)
        {
            Faults.Heal(p => p.Separates(a, b));
        }
    }

    /// <summary>Whether a partition is in force between <paramref name="a"/> and <paramref name="b"/> (either direction).</summary>
    public bool IsPartitioned(Host a, Host b)
    {
        lock (Gate)
        {
            return faults is not null && faults.Partitions.Any(p => p.Separates(a, b));
        }
    }

    /// <summary>Holds every packet between <paramref name="a"/> and <paramref name="b"/> (both ways) until <see cref="Release(Host, Host)"/>.</summary>
    public void Hold(Host a, Host b)
    {
        Own(a, nameof(a));
        Own(b, nameof(b));
        lock (Gate)
        {
            Faults.Hold(a, b);
        }
    }

    /// <summary>
    /// Ends the hold between <paramref name="a"/> and <paramref name="b"/> and hands what it held across the held hop at once,
    /// in the order it was held. Links further on (beyond a router) apply their own conditions; jitter there can still reorder.
    /// </summary>
    /// <returns>How many packets were released.</returns>
    public int Release(Host a, Host b)
    {
        lock (Gate)
        {
            return faults?.Release(h => h.Matches(a, b)) ?? 0;
        }
    }

    /// <summary>Ends every hold, delivering what each held in order.</summary>
    /// <returns>How many packets were released.</returns>
    public int Release()
    {
        lock (Gate)
        {
            return faults?.Release(_ => true) ?? 0;
        }
    }

    /// <summary>Applies <paramref name="conditions"/> to <paramref name="segment"/> (the same as setting <see cref="Segment.Conditions"/>).</summary>
    public void SetLink(Segment segment, LinkConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(segment);
        segment.Conditions = conditions;
    }

    /// <summary>Applies <paramref name="conditions"/> to every packet <paramref name="adapter"/> sends or receives, on top of its segment's. <see cref="LinkConditions.Perfect"/> removes them.</summary>
    public void SetLink(NetworkAdapter adapter, LinkConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        Own(adapter.Host, nameof(adapter));
        SetScoped(new ScopedLink(adapter, null, null, false, Compile(conditions)));
    }

    /// <summary>
    /// Applies <paramref name="conditions"/> to packets from <paramref name="from"/> to <paramref name="to"/>
    /// (and back, when <paramref name="bothWays"/>), on the hop that reaches the receiving host. <see cref="LinkConditions.Perfect"/> removes them.
    /// </summary>
    public void SetLink(Host from, Host to, LinkConditions conditions, bool bothWays = true)
    {
        Own(from, nameof(from));
        Own(to, nameof(to));
        SetScoped(new ScopedLink(null, from, to, bothWays, Compile(conditions)));
    }

    /// <summary>Runs <paramref name="script"/> when the virtual clock reads <paramref name="at"/> since the start (a fault script: <c>sim.At(TimeSpan.FromSeconds(5), s => s.Partition(a, b))</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="at"/> is already past.</exception>
    public void At(TimeSpan at, Action<Simulation> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        lock (Gate)
        {
            if (at.Ticks < Clock.NowTicks)
            {
                throw new ArgumentOutOfRangeException(nameof(at), at, $"The simulation is already at {Clock.Elapsed}.");
            }

            Schedule(at - Clock.Elapsed, () => script(this));
        }
    }

    /// <summary>Runs <paramref name="script"/> after <paramref name="delay"/> of virtual time.</summary>
    public void After(TimeSpan delay, Action<Simulation> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        Schedule(delay, () => script(this));
    }

    private static LinkRule[] Compile(LinkConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        return LinkRule.Compile(conditions.Validate());
    }

    private void SetScoped(ScopedLink link)
    {
        lock (Gate)
        {
            Faults.SetScoped(link);
        }
    }

    private void AddPartition(IEnumerable<Host> sideA, IEnumerable<Host> sideB, bool oneWay)
    {
        ArgumentNullException.ThrowIfNull(sideA);
        ArgumentNullException.ThrowIfNull(sideB);
        Host[] a = sideA.ToArray();
        Host[] b = sideB.ToArray();
        foreach (Host h in a.Concat(b))
        {
            Own(h, oneWay ? "from/to" : "sideA/sideB");
        }

        lock (Gate)
        {
            Faults.AddPartition(new Partition(a, b, oneWay));
        }
    }

    private void Own(Host host, string parameter)
    {
        ArgumentNullException.ThrowIfNull(host, parameter);
        if (host.Simulation != this)
        {
            throw new ArgumentException($"{host.Name} belongs to another simulation.", parameter);
        }
    }
}
