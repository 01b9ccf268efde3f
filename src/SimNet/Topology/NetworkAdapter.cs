using System.Net;
using System.Net.Sockets;
using SimNet.Ip;
using SimNet.Kernel;
using SimNet.Tracing;

namespace SimNet.Topology;

/// <summary>
/// A network interface of a host: a name, an index, addresses with prefixes, an MTU, up or down,
/// and the multicast groups joined on it.
/// </summary>
public sealed class NetworkAdapter : IEventHandler
{
    private readonly List<AdapterAddress> addresses = new();

    // How many of the addresses have an IPv4 directed broadcast, and the first one's value: every unicast
    // datagram asks whether its destination is one, and with one subnet the answer needs no walk over the
    // address list (its list, array and entries are cold objects with thousands of hosts).
    private int broadcastCount;
    private uint firstBroadcast;
    private readonly List<(IPAddress Group, int Count)> groups = new();
    private int mtu;

    internal NetworkAdapter(Host host, string name, int index, Segment? segment, bool isLoopback, int mtu)
    {
        Host = host;
        Name = name;
        Index = index;
        Segment = segment;
        IsLoopback = isLoopback;
        this.mtu = mtu;
    }

    /// <summary>The host this adapter belongs to.</summary>
    public Host Host { get; }

    /// <summary>The adapter's name (<c>eth0</c>, <c>lo</c>).</summary>
    public string Name { get; }

    /// <summary>The interface index: 1 for loopback, then 2, 3, ... in the order adapters were added, as on Linux.</summary>
    public int Index { get; }

    /// <summary>The segment the adapter is attached to; null for loopback.</summary>
    public Segment? Segment { get; }

    /// <summary>Whether this is the host's loopback adapter.</summary>
    public bool IsLoopback { get; }

    /// <summary>The adapter's position among its segment's adapters (attach order), for the segment's address index.</summary>
    internal int SegmentSlot { get; set; }

    /// <summary>Whether the adapter is up. A down adapter neither sends nor receives, and its routes are unused.</summary>
    public bool IsUp
    {
        get => isUp;
        set
        {
            isUp = value;
            Host.Simulation.TopologyChanged();
        }
    }

    private bool isUp = true;

    /// <summary>The largest IP packet (headers included) the adapter sends. Default 1500, 65536 on loopback.</summary>
    public int Mtu
    {
        get => mtu;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 68);
            mtu = value;
        }
    }

    /// <summary>The addresses, in the order they were assigned.</summary>
    public IReadOnlyList<AdapterAddress> Addresses => addresses;

    /// <summary>Assigns another address, written <c>address/prefix</c> (the prefix is required).</summary>
    /// <exception cref="ArgumentException">The text is not an address with a /prefix, e.g. <c>10.0.0.3</c> without <c>/24</c>.</exception>
    public NetworkAdapter AddAddress(string cidr)
    {
        (IPAddress address, int prefix) = ParseArgument(cidr, nameof(cidr));
        return AddAddress(address, prefix);
    }

    /// <summary>Parses <c>address/prefix</c> given as argument <paramref name="name"/>; bad text is an <see cref="ArgumentException"/>.</summary>
    internal static (IPAddress Address, int PrefixLength) ParseArgument(string? cidr, string name)
    {
        ArgumentNullException.ThrowIfNull(cidr, name);
        try
        {
            return AdapterAddress.Parse(cidr);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, name, e);
        }
    }

    /// <summary>Assigns another address with its prefix length.</summary>
    /// <exception cref="InvalidOperationException">Another adapter of the same host already has the address.</exception>
    public NetworkAdapter AddAddress(IPAddress address, int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(address);
        int max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, max);
        lock (Host.Simulation.Gate)
        {
            if (Host.FindAdapterAssigned(address) is { } owner)
            {
                throw new InvalidOperationException($"{address} is already assigned to {Host.Name}/{owner.Name}.");
            }

            Keep(new AdapterAddress(address, prefixLength));
            Segment?.AddressAdded(this, address);
            Host.Simulation.TopologyChanged();
        }

        return this;
    }

    /// <summary>A new host's loopback gets 127.0.0.1/8 and ::1/128: the same immutable pair for every host of the simulation.</summary>
    internal void AssignLoopback(AdapterAddress[] pair)
    {
        Keep(pair[0]);
        Keep(pair[1]);
    }

    private void Keep(AdapterAddress added)
    {
        addresses.Add(added);
        if (!IsLoopback)
        {
            Host.AddressKept(this, added);
        }

        if (added.Broadcast is not null && broadcastCount++ == 0)
        {
            firstBroadcast = added.V4Broadcast;
        }
    }

    /// <summary>The first address of <paramref name="family"/>, or null.</summary>
    public IPAddress? PrimaryAddress(AddressFamily family)
    {
        foreach (AdapterAddress a in addresses)
        {
            if (a.Address.AddressFamily == family)
            {
                return a.Address;
            }
        }

        return null;
    }

    /// <summary>Whether this adapter has the unicast address <paramref name="address"/>.</summary>
    public bool Owns(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            uint v4 = AddressRules.V4Value(address);
            for (int i = 0; i < addresses.Count; i++)
            {
                AdapterAddress a = addresses[i];
                if (a.IsV4 && a.V4Address == v4)
                {
                    return true;
                }
            }

            return false;
        }

        for (int i = 0; i < addresses.Count; i++)
        {
            if (addresses[i].Address.Equals(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="address"/> is the directed broadcast address of one of this adapter's subnets.</summary>
    public bool IsDirectedBroadcast(IPAddress address)
    {
        if (broadcastCount == 0 || address.AddressFamily != AddressFamily.InterNetwork)
        {
            return false; // only IPv4 subnets of two or more host bits have one
        }

        if (broadcastCount == 1)
        {
            return AddressRules.V4Value(address) == firstBroadcast;
        }

        for (int i = 0; i < addresses.Count; i++)
        {
            if (addresses[i].IsBroadcast(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The multicast groups joined on this adapter, in the order first joined.</summary>
    public IEnumerable<IPAddress> MulticastGroups
    {
        get
        {
            foreach ((IPAddress g, int _) in groups)
            {
                yield return g;
            }
        }
    }

    /// <summary>Whether the host has joined <paramref name="group"/> on this adapter (all-hosts groups always count).</summary>
    public bool IsMember(IPAddress group)
    {
        for (int i = 0; i < groups.Count; i++)
        {
            if (groups[i].Group.Equals(group))
            {
                return true;
            }
        }

        return group.Equals(AllHostsV4) || group.Equals(AllNodesV6);
    }

    private static readonly IPAddress AllHostsV4 = IPAddress.Parse("224.0.0.1");
    private static readonly IPAddress AllNodesV6 = IPAddress.Parse("ff02::1");

    internal void Join(IPAddress group)
    {
        for (int i = 0; i < groups.Count; i++)
        {
            if (groups[i].Group.Equals(group))
            {
                groups[i] = (group, groups[i].Count + 1);
                return;
            }
        }

        groups.Add((group, 1));
    }

    internal void Leave(IPAddress group)
    {
        for (int i = 0; i < groups.Count; i++)
        {
            if (groups[i].Group.Equals(group))
            {
                if (groups[i].Count == 1)
                {
                    groups.RemoveAt(i);
                }
                else
                {
                    groups[i] = (group, groups[i].Count - 1);
                }

                return;
            }
        }
    }

    /// <summary>A packet arrives from the wire (a scheduled delivery).</summary>
    void IEventHandler.OnEvent(object? state, long tag) => Arrive((Packet)state!);

    /// <summary>A packet arrives from the wire: the scheduled delivery's work (the simulation calls it directly).</summary>
    internal void Arrive(Packet packet)
    {
        packet.ArrivedOn = this;
        Host.Simulation.Tap(this, packet, outbound: false, peer: packet.LinkSender);
        Host.Ip.Receive(packet, this);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Host.Name}/{Name}";
}
