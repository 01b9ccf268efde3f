using SimNet.Ip;
using SimNet.Topology;
using SimNet.Tracing;

namespace SimNet.Faults;

/// <summary>
/// The faults in force in one simulation, applied where a packet crosses a link (a segment carrying
/// it from one adapter to another): partitions, holds, then the segment's conditions and every scoped
/// set that matches, in the order they were set. The stack above never sees a fault, only its effect.
/// </summary>
/// <remarks>
/// Limitations: a partition or hold is checked when a packet enters a link, so a packet already in
/// flight when a partition starts still arrives. A host-pair scope (partition, hold, conditions) acts on
/// the first hop, as the packet leaves the sending host; segment and adapter scopes act on every hop.
/// </remarks>
internal sealed class FaultPlan
{
    private readonly Simulation sim;
    private readonly List<LinkRule[]?> segmentRules = new();
    private readonly List<ScopedLink> scoped = new();
    private readonly List<Partition> partitions = new();
    private readonly List<HeldLink> holds = new();
    private bool active;

    public FaultPlan(Simulation sim) => this.sim = sim;

    public IReadOnlyList<Partition> Partitions => partitions;

    public IReadOnlyList<HeldLink> Holds => holds;

    public void SetSegment(Segment segment, LinkConditions conditions)
    {
        while (segmentRules.Count <= segment.Index)
        {
            segmentRules.Add(null);
        }

        segmentRules[segment.Index] = conditions.IsPerfect ? null : LinkRule.Compile(conditions);
        Refresh();
    }

    public void SetScoped(ScopedLink link)
    {
        int i = scoped.FindIndex(s => s.SameScope(link));
        if (i >= 0)
        {
            scoped[i] = link;
        }
        else
        {
            scoped.Add(link);
        }

        scoped.RemoveAll(s => s.Rules.Length == 0);
        Refresh();
    }

    public void AddPartition(Partition p)
    {
        partitions.Add(p);
        Refresh();
    }

    public void Heal(Func<Partition, bool> which)
    {
        partitions.RemoveAll(p => which(p));
        Refresh();
    }

    public void Hold(Host a, Host b)
    {
        if (!holds.Exists(h => h.Matches(a, b)))
        {
            holds.Add(new HeldLink(a, b));
        }

        Refresh();
    }

    /// <summary>Ends the holds <paramref name="which"/> picks and delivers what they held, in the order it was held.</summary>
    public int Release(Func<HeldLink, bool> which)
    {
        int released = 0;
        for (int i = 0; i < holds.Count; i++)
        {
            HeldLink h = holds[i];
            if (!which(h))
            {
                continue;
            }

            holds.RemoveAt(i--);
            foreach ((Packet packet, NetworkAdapter to) in h.Queue)
            {
                // Same due time, rising sequence: the event queue keeps them in the order held.
                sim.ScheduleDelivery(0, to, packet);
                released++;
            }
        }

        Refresh();
        return released;
    }

    private void Refresh()
    {
        active = partitions.Count > 0 || holds.Count > 0 || scoped.Count > 0 || segmentRules.Exists(r => r is not null);
    }

    /// <summary>Carries <paramref name="packet"/> across <paramref name="segment"/> from <paramref name="from"/> to <paramref name="to"/>, through the faults.</summary>
    public void Carry(Segment segment, Packet packet, NetworkAdapter from, NetworkAdapter to)
    {
        packet.LinkSender = from;
        if (!active)
        {
            sim.ScheduleDelivery(0, to, packet);
            return;
        }

        for (int i = 0; i < partitions.Count; i++)
        {
            if (partitions[i].Blocks(from.Host, to.Host, packet.Destination))
            {
                sim.Drop(packet, from.Host, from, DropReason.Partition);
                return;
            }
        }

        for (int i = 0; i < holds.Count; i++)
        {
            if (holds[i].Catches(from.Host, to.Host, packet.Destination))
            {
                holds[i].Queue.Add((packet, to));
                return;
            }
        }

        var verdict = default(LinkVerdict);
        if (segment.Index < segmentRules.Count && segmentRules[segment.Index] is { } rules)
        {
            Apply(rules, ref verdict, packet, from);
        }

        for (int i = 0; i < scoped.Count && verdict.Drop == DropReason.None; i++)
        {
            if (scoped[i].Matches(from, to, packet.Destination))
            {
                Apply(scoped[i].Rules, ref verdict, packet, from);
            }
        }

        if (verdict.Corrupted)
        {
            sim.Record(TraceKind.Fault, packet, from.Host, from);
        }

        if (verdict.Drop != DropReason.None)
        {
            sim.Drop(packet, from.Host, from, verdict.Drop);
            return;
        }

        for (int i = 0; i < verdict.Duplicates; i++)
        {
            sim.ScheduleDelivery(verdict.DelayTicks, to, sim.CopyPacket(packet, from.Host, from));
        }

        sim.ScheduleDelivery(verdict.DelayTicks, to, packet);
    }

    private void Apply(LinkRule[] rules, ref LinkVerdict verdict, Packet packet, NetworkAdapter from)
    {
        for (int i = 0; i < rules.Length && verdict.Drop == DropReason.None; i++)
        {
            rules[i].Apply(ref verdict, packet, from, sim);
        }
    }
}

/// <summary>Link conditions that apply to one adapter (both directions) or to traffic between two hosts.</summary>
internal sealed class ScopedLink(NetworkAdapter? adapter, Host? a, Host? b, bool bothWays, LinkRule[] rules)
{
    public NetworkAdapter? Adapter { get; } = adapter;

    public Host? A { get; } = a;

    public Host? B { get; } = b;

    public bool BothWays { get; } = bothWays;

    public LinkRule[] Rules { get; } = rules;

    public bool SameScope(ScopedLink other) => Adapter == other.Adapter && A == other.A && B == other.B && BothWays == other.BothWays;

    public bool Matches(NetworkAdapter from, NetworkAdapter to, System.Net.IPAddress destination)
    {
        if (Adapter is not null)
        {
            return from == Adapter || to == Adapter;
        }

        return Between(A!, B!, from.Host, to.Host, destination) || (BothWays && Between(B!, A!, from.Host, to.Host, destination));
    }

    /// <summary>
    /// Whether a hop from <paramref name="hopFrom"/> to <paramref name="hopTo"/> carries a packet from <paramref name="x"/>
    /// to <paramref name="y"/>: it leaves x and reaches y on this hop, or goes to a router on its way to an address of y.
    /// A routed path is thus caught once, on its first hop, before any link delay can reorder it.
    /// </summary>
    internal static bool Between(Host x, Host y, Host hopFrom, Host hopTo, System.Net.IPAddress destination) =>
        hopFrom == x && (hopTo == y || (hopTo.Forwards && !System.Net.IPAddress.IsLoopback(destination) && y.FindAdapterOwning(destination) is not null));
}

/// <summary>A partition: packets from a host on one side to a host on the other are dropped; symmetric unless one-way.</summary>
internal sealed class Partition(Host[] sideA, Host[] sideB, bool oneWay)
{
    public bool Separates(Host x, Host y) =>
        (Array.IndexOf(sideA, x) >= 0 && Array.IndexOf(sideB, y) >= 0) || (Array.IndexOf(sideA, y) >= 0 && Array.IndexOf(sideB, x) >= 0);

    public bool Blocks(Host hopFrom, Host hopTo, System.Net.IPAddress destination) =>
        Crosses(sideA, sideB, hopFrom, hopTo, destination) || (!oneWay && Crosses(sideB, sideA, hopFrom, hopTo, destination));

    private static bool Crosses(Host[] from, Host[] to, Host hopFrom, Host hopTo, System.Net.IPAddress destination)
    {
        foreach (Host x in from)
        {
            foreach (Host y in to)
            {
                if (ScopedLink.Between(x, y, hopFrom, hopTo, destination))
                {
                    return true;
                }
            }
        }

        return false;
    }
}

/// <summary>A hold between two hosts: everything between them waits, in order, until released.</summary>
internal sealed class HeldLink(Host a, Host b)
{
    public List<(Packet Packet, NetworkAdapter To)> Queue { get; } = new();

    public bool Matches(Host x, Host y) => (x == a && y == b) || (x == b && y == a);

    public bool Catches(Host hopFrom, Host hopTo, System.Net.IPAddress destination) =>
        ScopedLink.Between(a, b, hopFrom, hopTo, destination) || ScopedLink.Between(b, a, hopFrom, hopTo, destination);
}
