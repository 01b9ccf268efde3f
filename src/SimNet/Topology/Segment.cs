using SimNet.Ip;
using SimNet.Kernel;
using SimNet.Tracing;

namespace SimNet.Topology;

/// <summary>
/// One layer-2 broadcast domain (a switch, a Wi-Fi network): every adapter attached to it hears
/// its broadcasts and multicasts; unicast reaches the adapter that owns the next-hop address.
/// </summary>
public sealed class Segment
{
    private readonly List<NetworkAdapter> adapters = new();
    private LinkConditions conditions = LinkConditions.Perfect;

    internal Segment(Simulation simulation, string name, int index)
    {
        Simulation = simulation;
        Name = name;
        Index = index;
    }

    /// <summary>The simulation this segment belongs to.</summary>
    public Simulation Simulation { get; }

    /// <summary>The segment's name, as given to <see cref="Simulation.AddSegment"/>.</summary>
    public string Name { get; }

    internal int Index { get; }

    /// <summary>The adapters attached, in the order they were attached.</summary>
    public IReadOnlyList<NetworkAdapter> Adapters => adapters;

    /// <summary>The link conditions (latency, loss, duplication, ...) applied to every packet crossing this segment.</summary>
    public LinkConditions Conditions
    {
        get => conditions;
        set
        {
            LinkConditions valid = (value ?? throw new ArgumentNullException(nameof(value))).Validate();
            lock (Simulation.Gate)
            {
                conditions = valid;
                Simulation.Faults.SetSegment(this, valid);
            }
        }
    }

    internal void Attach(NetworkAdapter adapter) => adapters.Add(adapter);

    /// <summary>
    /// Puts <paramref name="packet"/> on the wire from <paramref name="from"/>. With a next hop, it goes
    /// to the adapter that owns that address; without one (broadcast, multicast), to every other adapter,
    /// the first receiver getting the original and each further one a traced copy.
    /// </summary>
    internal void Transmit(Packet packet, NetworkAdapter from, System.Net.IPAddress? nextHop)
    {
        Simulation sim = Simulation;
        if (nextHop is not null)
        {
            for (int i = 0; i < adapters.Count; i++)
            {
                NetworkAdapter candidate = adapters[i];
                if (candidate != from && candidate.Owns(nextHop))
                {
                    sim.Tap(from, packet, outbound: true, peer: candidate);
                    Carry(packet, from, candidate);
                    return;
                }
            }

            sim.Drop(packet, from.Host, from, DropReason.HostUnreachable);
            return;
        }

        sim.Tap(from, packet, outbound: true, peer: null);
        Packet? pending = packet;
        for (int i = 0; i < adapters.Count; i++)
        {
            NetworkAdapter candidate = adapters[i];
            if (candidate == from)
            {
                continue;
            }

            if (pending is null)
            {
                Carry(sim.CopyPacket(packet, from.Host, from), from, candidate);
            }
            else
            {
                Carry(pending, from, candidate);
                pending = null;
            }
        }

        if (pending is not null)
        {
            sim.Drop(pending, from.Host, from, DropReason.Unheard);
        }
    }

    /// <summary>The link itself: faults and capture wrap it (see <see cref="Faults.FaultPlan"/>).</summary>
    private void Carry(Packet packet, NetworkAdapter from, NetworkAdapter to) => Simulation.Faults.Carry(this, packet, from, to);
}
