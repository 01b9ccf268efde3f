using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using SimNet.Topology;

namespace SimNet.Ip;

/// <summary>
/// The host's IPv4 routing facts in one array: its own addresses, then its up adapters' connected subnets, then
/// its routes over up adapters, each in the order <see cref="TryLookup"/> and <see cref="Host.FindAdapterOwning"/>
/// walk them. Rebuilt when <see cref="Simulation.TopologyVersion"/> moves (every change these facts depend on
/// bumps it: an adapter added, an address added, a route added, an adapter up or down).
/// </summary>
/// <remarks>
/// A socket sending to a new destination decides its route here. The walk it replaces read the host's adapter
/// list, each adapter's address list and every address's objects: with thousands of hosts, each a cache miss of
/// its own (the 100,000-host unicast row: about a third of a datagram's misses). Here the same answers come from
/// one array of plain numbers. IPv6 keeps the walk. <c>RouteTableProperties</c> checks both give the same decisions.
/// </remarks>
internal sealed partial class IpLayer
{
    private const int OwnAddress = -1; // V4Entry.Prefix of an address the host owns

    private struct V4Entry
    {
        public uint Network;          // host byte order; an own address's value
        public uint Mask;
        public int Prefix;            // OwnAddress, or the prefix length
        public uint Broadcast;        // a connected subnet's directed broadcast, when HasBroadcast
        public bool HasBroadcast;
        public NetworkAdapter? Adapter;
        public AdapterAddress? Subnet; // a connected subnet; null for a route
        public IPAddress? Gateway;
    }

    private V4Entry[] v4Table = [];
    private int v4Version = -1;

    /// <summary>An IPv4 address as a number in host byte order.</summary>
    internal static uint V4Number(IPAddress v4)
    {
        uint stored = AddressRules.V4Value(v4); // the four bytes as they lie in memory
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(stored) : stored;
    }

    private static uint MaskOf(int prefix) => prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);

    private V4Entry[] V4Table()
    {
        int version = host.Simulation.TopologyVersion;
        if (version == v4Version)
        {
            return v4Table;
        }

        var table = new List<V4Entry>();
        foreach (NetworkAdapter adapter in adapters)
        {
            foreach (AdapterAddress a in adapter.Addresses)
            {
                if (a.Address.AddressFamily == AddressFamily.InterNetwork)
                {
                    table.Add(new V4Entry { Network = V4Number(a.Address), Mask = uint.MaxValue, Prefix = OwnAddress, Adapter = adapter });
                }
            }
        }

        foreach (NetworkAdapter adapter in adapters)
        {
            if (!adapter.IsUp)
            {
                continue;
            }

            foreach (AdapterAddress a in adapter.Addresses)
            {
                if (a.Network.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
                {
                    table.Add(new V4Entry
                    {
                        Network = V4Number(a.Network.BaseAddress) & MaskOf(a.PrefixLength),
                        Mask = MaskOf(a.PrefixLength),
                        Prefix = a.PrefixLength,
                        Broadcast = a.Broadcast is { } b ? V4Number(b) : 0,
                        HasBroadcast = a.Broadcast is not null,
                        Adapter = adapter,
                        Subnet = a,
                    });
                }
            }
        }

        foreach (Route r in routes)
        {
            if (r.Adapter.IsUp && r.Destination.BaseAddress.AddressFamily == AddressFamily.InterNetwork)
            {
                table.Add(new V4Entry
                {
                    Network = V4Number(r.Destination.BaseAddress) & MaskOf(r.Destination.PrefixLength),
                    Mask = MaskOf(r.Destination.PrefixLength),
                    Prefix = r.Destination.PrefixLength,
                    Adapter = r.Adapter,
                    Gateway = r.Gateway,
                });
            }
        }

        v4Table = table.ToArray();
        v4Version = version;
        return v4Table;
    }

    /// <summary>Whether one of the host's adapters (other than lo) has the IPv4 address <paramref name="d"/>: <see cref="Host.FindAdapterOwning"/> for a non-loopback IPv4 address.</summary>
    private static bool OwnsV4(V4Entry[] table, uint d)
    {
        for (int i = 0; i < table.Length && table[i].Prefix == OwnAddress; i++)
        {
            if (table[i].Network == d)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><see cref="TryLookup"/> for IPv4, from the table: the longest prefix, ties to the earlier entry. Returns the entry's index, or -1.</summary>
    private static int LookupV4(V4Entry[] table, uint d)
    {
        int best = -1, found = -1;
        for (int i = 0; i < table.Length; i++)
        {
            ref V4Entry e = ref table[i];
            if (e.Prefix > best && (d & e.Mask) == e.Network)
            {
                best = e.Prefix;
                found = i;
            }
        }

        return found;
    }
}
