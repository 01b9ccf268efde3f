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

    /// <summary>
    /// Unicast address → the first two adapters (in attach order) that have it: the one
    /// <see cref="Transmit"/> hands a packet to is the first that is not the sender, so two suffice.
    /// Kept up to date as adapters attach and addresses are added (neither is ever taken back), so a
    /// unicast hop costs one lookup however many adapters share the segment. Only looked up, never
    /// iterated: no order depends on hashing. Slots hold the address's value beside its owners, so a
    /// lookup reads one place in memory (see <see cref="AddressMap{T}"/>).
    /// </summary>
    private readonly AddressMap<Owners> owners = new();
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

    internal void Attach(NetworkAdapter adapter)
    {
        adapter.SegmentSlot = adapters.Count;
        adapters.Add(adapter);
        IReadOnlyList<AdapterAddress> list = adapter.Addresses;
        for (int i = 0; i < list.Count; i++)
        {
            AddressAdded(adapter, list[i].Address);
        }
    }

    /// <summary><paramref name="adapter"/>, attached here, now has <paramref name="address"/>: index it by attach order.</summary>
    internal void AddressAdded(NetworkAdapter adapter, System.Net.IPAddress address)
    {
        if (!owners.TryGetValue(address, out Owners o))
        {
            owners.Set(address, new Owners(adapter, null));
        }
        else if (adapter.SegmentSlot < o.First.SegmentSlot)
        {
            owners.Set(address, new Owners(adapter, o.First));
        }
        else if (o.Second is null || adapter.SegmentSlot < o.Second.SegmentSlot)
        {
            owners.Set(address, new Owners(o.First, adapter));
        }
    }

    /// <summary>The adapter a unicast to <paramref name="nextHop"/> from <paramref name="from"/> reaches: the first in attach order, other than the sender, that has the address.</summary>
    internal NetworkAdapter? FindNextHop(System.Net.IPAddress nextHop, NetworkAdapter from) =>
        !owners.TryGetValue(nextHop, out Owners o) ? null : o.First != from ? o.First : o.Second;

    /// <summary>Up to this many adapters, asking each is cheaper than a hash lookup (the common two-host test); both give the same answer.</summary>
    private const int ScanLimit = 8;

    /// <summary>The plain rule <see cref="FindNextHop"/> indexes: the first adapter in attach order, other than the sender, that has the address.</summary>
    internal NetworkAdapter? ScanForNextHop(System.Net.IPAddress nextHop, NetworkAdapter from)
    {
        for (int i = 0; i < adapters.Count; i++)
        {
            NetworkAdapter candidate = adapters[i];
            if (candidate != from && candidate.Owns(nextHop))
            {
                return candidate;
            }
        }

        return null;
    }

    private readonly record struct Owners(NetworkAdapter First, NetworkAdapter? Second);

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
            if ((adapters.Count <= ScanLimit ? ScanForNextHop(nextHop, from) : FindNextHop(nextHop, from)) is { } candidate)
            {
                packet.ToLinkOwner = ReferenceEquals(nextHop, packet.Destination); // candidate owns the next hop
                sim.Tap(from, packet, outbound: true, peer: candidate);
                Carry(packet, from, candidate);
                return;
            }

            sim.Drop(packet, from.Host, from, DropReason.HostUnreachable);
            return;
        }

        sim.Tap(from, packet, outbound: true, peer: null);
        packet.ToLinkOwner = false;
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
