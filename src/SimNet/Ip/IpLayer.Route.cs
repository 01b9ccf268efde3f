using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Tracing;

namespace SimNet.Ip;

/// <summary>Route and source-address selection (Linux rules; see README, "Routing").</summary>
internal sealed partial class IpLayer
{
    /// <summary>
    /// Longest-prefix match over connected subnets (up adapters) and static routes. Ties go to the
    /// connected subnet, then to the earlier adapter or route, so the choice never depends on hashing.
    /// </summary>
    internal bool TryLookup(IPAddress destination, out NetworkAdapter adapter, out IPAddress? gateway, out AdapterAddress? connected)
    {
        adapter = null!;
        gateway = null;
        connected = null;
        int best = -1;
        bool v4 = destination.AddressFamily == AddressFamily.InterNetwork;
        uint v4Value = v4 ? AddressRules.V4Value(destination) : 0;
        if (v4 && host.SoleV4 is (AdapterAddress sole, NetworkAdapter soleAdapter))
        {
            // The walk below would meet this IPv4 address and no other (Host.AddressKept).
            if (soleAdapter.IsUp && sole.V4Contains(v4Value))
            {
                best = sole.PrefixLength;
                adapter = soleAdapter;
                connected = sole;
            }
        }
        else if (v4 && adapters.Count > ConnectedScanLimit)
        {
            ConnectedV4().Match(v4Value, ref best, ref adapter, ref connected);
        }
        else
        {
            BestConnected(destination, v4, v4Value, ref best, ref adapter, ref connected);
        }

        if (RouteCount > 0)
        {
            BestRoute(destination, ref best, ref adapter, ref gateway, ref connected);
        }

        return best >= 0;
    }

    /// <summary>Above this many adapters (a router), connected IPv4 subnets are matched through <see cref="ConnectedIndex"/>.</summary>
    private const int ConnectedScanLimit = 8;

    private ConnectedIndex? connectedV4;

    private ConnectedIndex ConnectedV4()
    {
        int version = host.Simulation.TopologyVersion;
        ConnectedIndex? index = connectedV4;
        if (index is null || index.Version != version)
        {
            index = new ConnectedIndex(version, adapters);
            connectedV4 = index; // published whole: a reader never sees one half built
        }

        return index;
    }

    /// <summary>
    /// The IPv4 subnets of a host's up adapters by (prefix length, network), each with the first adapter and address
    /// the walk over adapters and addresses would meet, and the prefix lengths present, longest first.
    /// </summary>
    /// <remarks>
    /// A router with an adapter on each of 100 segments matched every adapter's subnets for every packet it
    /// forwarded. With the index a lookup tries each prefix length present once (one for a router whose subnets
    /// share a length) and answers as the walk: among the subnets holding the destination the walk keeps the
    /// longest, and the first of equal length, and two subnets of one length that hold the same address are the
    /// same subnet. Rebuilt when the topology version moved (adapters, addresses and up/down all move it). Only
    /// looked up, never iterated: no order depends on hashing.
    /// </remarks>
    private sealed class ConnectedIndex
    {
        private readonly Dictionary<(int Length, uint Network), (NetworkAdapter Adapter, AdapterAddress Address)> subnets = new();
        private readonly int[] lengths;
        private readonly uint[] masks;

        public ConnectedIndex(int version, List<NetworkAdapter> adapters)
        {
            Version = version;
            var present = new List<int>();
            foreach (NetworkAdapter adapter in adapters)
            {
                if (!adapter.IsUp)
                {
                    continue;
                }

                foreach (AdapterAddress a in adapter.Addresses)
                {
                    if (a.IsV4 && subnets.TryAdd((a.PrefixLength, a.V4Network), (adapter, a)) && !present.Contains(a.PrefixLength))
                    {
                        present.Add(a.PrefixLength);
                    }
                }
            }

            present.Sort((x, y) => y.CompareTo(x));
            lengths = present.ToArray();
            masks = Array.ConvertAll(lengths, AddressRules.V4Mask);
        }

        public int Version { get; }

        public void Match(uint v4, ref int best, ref NetworkAdapter adapter, ref AdapterAddress? connected)
        {
            for (int i = 0; i < lengths.Length; i++)
            {
                if (subnets.TryGetValue((lengths[i], v4 & masks[i]), out (NetworkAdapter Adapter, AdapterAddress Address) found))
                {
                    best = lengths[i];
                    adapter = found.Adapter;
                    connected = found.Address;
                    return;
                }
            }
        }
    }

    private void BestConnected(IPAddress destination, bool v4, uint v4Value, ref int best, ref NetworkAdapter adapter, ref AdapterAddress? connected)
    {
        for (int i = 0; i < adapters.Count; i++)
        {
            NetworkAdapter candidate = adapters[i];
            if (!candidate.IsUp)
            {
                continue;
            }

            IReadOnlyList<AdapterAddress> list = candidate.Addresses;
            for (int j = 0; j < list.Count; j++)
            {
                AdapterAddress a = list[j];

                // IPv4 from the numbers the address keeps (no read of its IPAddress objects); IPv6 as IPNetwork decides.
                if (a.PrefixLength > best && (v4
                    ? a.V4Contains(v4Value)
                    : a.Network.BaseAddress.AddressFamily == destination.AddressFamily && a.Network.Contains(destination)))
                {
                    best = a.PrefixLength;
                    adapter = candidate;
                    connected = a;
                }
            }
        }
    }

    private void BestRoute(IPAddress destination, ref int best, ref NetworkAdapter adapter, ref IPAddress? gateway, ref AdapterAddress? connected)
    {
        for (int i = 0; i < routes.Count; i++)
        {
            Route r = routes[i];
            if (r.Adapter.IsUp && r.Destination.PrefixLength > best && r.Destination.BaseAddress.AddressFamily == destination.AddressFamily && r.Destination.Contains(destination))
            {
                best = r.Destination.PrefixLength;
                adapter = r.Adapter;
                gateway = r.Gateway;
                connected = null;
            }
        }
    }

    /// <summary>
    /// Decides how a packet to <paramref name="destination"/> leaves: which adapter, which next hop,
    /// which source address, and whether it is a broadcast. Follows Linux (see README, "Routing").
    /// </summary>
    /// <param name="destination">Where to (IPv4-mapped addresses are unmapped first).</param>
    /// <param name="boundSource">The socket's bound address, or null/Any when not bound to one.</param>
    /// <param name="multicastInterface">IP_MULTICAST_IF as an interface index; 0 for none.</param>
    internal RouteDecision Route(IPAddress destination, IPAddress? boundSource, int multicastInterface)
    {
        destination = AddressRules.Unmap(destination);
        if (boundSource is not null)
        {
            boundSource = AddressRules.Unmap(boundSource);
            if (AddressRules.IsAny(boundSource))
            {
                boundSource = null;
            }
        }

        AddressFamily family = destination.AddressFamily;
        if (IPAddress.IsLoopback(destination))
        {
            IPAddress src = boundSource ?? (family == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback);

            // 127.255.255.255 is lo's broadcast address (Linux has a broadcast route for it), so it needs SO_BROADCAST.
            return new RouteDecision(SocketError.Success, host.Loopback, null, src, host.Loopback.IsDirectedBroadcast(destination), false, true);
        }

        if (AddressRules.IsMulticast(destination))
        {
            NetworkAdapter? via = null;
            if (multicastInterface != 0)
            {
                via = host.FindAdapter(multicastInterface);
            }
            else if (boundSource is not null)
            {
                via = host.FindAdapterOwning(boundSource);
            }
            else if (TryLookup(destination, out NetworkAdapter found, out _, out _))
            {
                via = found;
            }
            else if (family == AddressFamily.InterNetworkV6)
            {
                // Linux gives every IPv6 adapter a ff00::/8 route: the first adapter up takes IPv6 multicast.
                via = FirstUpAdapter();
            }

            if (via is null || !via.IsUp)
            {
                return RouteDecision.Fail(SocketError.NetworkUnreachable);
            }

            if (LoopbackSourceOffLoopback(boundSource, via))
            {
                return RouteDecision.Fail(SocketError.InvalidArgument);
            }

            IPAddress? source = boundSource ?? via.PrimaryAddress(family);
            if (source is null)
            {
                return RouteDecision.Fail(SocketError.AddressNotAvailable);
            }

            // From a 127.x source the group is sent on lo (Linux picks the source's device): it stays on this host.
            return new RouteDecision(SocketError.Success, via, null, source, false, true, via.IsLoopback);
        }

        if (host.FindAdapterOwning(destination) is not null)
        {
            return new RouteDecision(SocketError.Success, host.Loopback, null, boundSource ?? destination, false, false, true);
        }

        if (AddressRules.IsLimitedBroadcast(destination))
        {
            NetworkAdapter? via = null;
            if (boundSource is not null)
            {
                via = host.FindAdapterOwning(boundSource);
            }
            else if (TryLookup(destination, out NetworkAdapter found, out _, out _))
            {
                via = found;
            }

            if (via is null || !via.IsUp)
            {
                return RouteDecision.Fail(SocketError.NetworkUnreachable);
            }

            // From a 127.x source Linux sends the limited broadcast on lo (the source's device), a
            // broadcast route like any other (SO_BROADCAST applies): it stays on this host.
            IPAddress? source = boundSource ?? via.PrimaryAddress(AddressFamily.InterNetwork);
            return source is null
                ? RouteDecision.Fail(SocketError.AddressNotAvailable)
                : new RouteDecision(SocketError.Success, via, null, source, true, false, via.IsLoopback);
        }

        if (!TryLookup(destination, out NetworkAdapter adapter, out IPAddress? gateway, out AdapterAddress? subnet))
        {
            return RouteDecision.Fail(SocketError.NetworkUnreachable);
        }

        if (LoopbackSourceOffLoopback(boundSource, adapter))
        {
            return RouteDecision.Fail(SocketError.InvalidArgument);
        }

        IPAddress? from = boundSource ?? subnet?.Address ?? PreferredSource(adapter, family);
        if (from is null)
        {
            return RouteDecision.Fail(SocketError.AddressNotAvailable);
        }

        bool broadcast = gateway is null && subnet is not null && subnet.IsBroadcast(destination);
        return new RouteDecision(SocketError.Success, adapter, broadcast ? null : gateway ?? destination, from, broadcast, false, false);
    }

    private IPAddress? PreferredSource(NetworkAdapter adapter, AddressFamily family)
    {
        IPAddress? a = adapter.PrimaryAddress(family);
        if (a is not null)
        {
            return a;
        }

        foreach (NetworkAdapter other in adapters)
        {
            if (other.IsUp && other.PrimaryAddress(family) is { } b)
            {
                return b;
            }
        }

        return null;
    }

    /// <summary>
    /// Whether a socket may bind to <paramref name="plain"/> (unmapped), as Linux's inet_bind and
    /// inet6_bind decide: the wildcard, an address of the host, and for IPv4 also a multicast group,
    /// 255.255.255.255 or an adapter's broadcast address (the socket then receives only datagrams sent
    /// to it); an IPv6 multicast group, except one of link or interface scope without a scope id
    /// (InvalidArgument). Anything else is AddressNotAvailable.
    /// </summary>
    internal SocketError CheckBindAddress(IPAddress plain)
    {
        if (AddressRules.IsAny(plain) || host.FindAdapterOwning(plain) is not null)
        {
            return SocketError.Success;
        }

        if (plain.AddressFamily == AddressFamily.InterNetwork)
        {
            return AddressRules.IsMulticast(plain) || AddressRules.IsLimitedBroadcast(plain) || IsAdapterBroadcast(plain)
                ? SocketError.Success
                : SocketError.AddressNotAvailable;
        }

        if (plain.IsIPv6Multicast)
        {
            return AddressRules.NeedsScopeId(plain) ? SocketError.InvalidArgument : SocketError.Success;
        }

        return SocketError.AddressNotAvailable;
    }

    /// <summary>
    /// Linux's __mkroute_output: an IPv4 packet from a 127.x source may leave only by lo; routed out of
    /// any other adapter (a neighbour, a subnet broadcast, a gateway) the send fails with InvalidArgument.
    /// </summary>
    private static bool LoopbackSourceOffLoopback(IPAddress? boundSource, NetworkAdapter via) =>
        boundSource is not null && !via.IsLoopback && boundSource.AddressFamily == AddressFamily.InterNetwork && IPAddress.IsLoopback(boundSource);

    private NetworkAdapter? FirstUpAdapter()
    {
        for (int i = 0; i < adapters.Count; i++)
        {
            if (adapters[i].IsUp)
            {
                return adapters[i];
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="address"/> is the broadcast address of one of the host's adapters (lo's 127.255.255.255 included).</summary>
    internal bool IsAdapterBroadcast(IPAddress address)
    {
        if (host.Loopback.IsDirectedBroadcast(address))
        {
            return true;
        }

        for (int i = 0; i < adapters.Count; i++)
        {
            if (adapters[i].IsDirectedBroadcast(address))
            {
                return true;
            }
        }

        return false;
    }
}
