using System.Net;
using System.Net.Sockets;
using SimNet.Ip;
using SimNet.Kernel;
using SimNet.Tracing;
using SimNet.Transport;

namespace SimNet.Topology;

/// <summary>
/// A machine on the simulated network: a loopback adapter, an ordered list of network adapters,
/// a routing table, and the transport stacks its sockets live in.
/// </summary>
/// <remarks>
/// The host follows the Linux "weak host" model: a packet for any of its addresses is accepted
/// on any adapter, and a packet to one of its own addresses goes over loopback.
/// </remarks>
public sealed partial class Host
{
    private static readonly AsyncLocal<Host?> CurrentHost = new();

    private readonly List<NetworkAdapter> adapters = new();
    private readonly List<Route> routes = new();
    private Names.ServicesFile services = Names.ServicesFile.Default;

    internal Host(Simulation simulation, string name, int index, bool forwards)
    {
        Simulation = simulation;
        Name = name;
        Index = index;
        Forwards = forwards;
        Loopback = new NetworkAdapter(this, "lo", 1, null, isLoopback: true, mtu: 65536);
        Loopback.AssignLoopback(simulation.LoopbackAddresses);
        Udp = new UdpStack(this);
        Tcp = new Transport.Tcp.TcpStack(this);
        Resolver = new Names.HostResolver(this);
    }

    /// <summary>
    /// The host whose code is running: set inside <see cref="Run(Func{Task})"/> and <see cref="Simulation.Run(Host, Func{Task})"/>,
    /// and flowing through awaits, so application code can keep the real socket constructors.
    /// </summary>
    /// <remarks>An <see cref="AsyncLocal{T}"/>: each logical flow of execution sees its own value, so simulations running side by side do not see each other's hosts.</remarks>
    public static Host? Current => CurrentHost.Value;

    /// <summary>The simulation this host belongs to.</summary>
    public Simulation Simulation { get; }

    /// <summary>The host's name (also its DNS name when names are added from the topology).</summary>
    public string Name { get; }

    internal int Index { get; }

    /// <summary>Whether the host forwards packets between its adapters (a router).</summary>
    public bool Forwards { get; }

    /// <summary>The loopback adapter: 127.0.0.1/8 and ::1, interface index 1.</summary>
    public NetworkAdapter Loopback { get; }

    /// <summary>The network adapters in the order they were added (loopback not included). "First adapter" means <c>Adapters[0]</c>.</summary>
    public IReadOnlyList<NetworkAdapter> Adapters => adapters;

    /// <summary>The static routes, in the order they were added. Connected routes come from the adapters' addresses and are not listed.</summary>
    public IReadOnlyList<Route> Routes => routes;

    internal UdpStack Udp { get; }

    /// <summary>How this host resolves host names and service names.</summary>
    public Names.HostResolver Resolver { get; }

    /// <summary>The host's services file (<c>/etc/services</c>); service names it lacks fall through to DNS SRV. Default: <see cref="Names.ServicesFile.Default"/>.</summary>
    public Names.ServicesFile Services
    {
        get => services;
        set => services = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The TCP stack, attached by the TCP layer when present.</summary>
    internal IProtocolHandler? Tcp { get; set; }

    /// <summary>Whether the host is running; a crashed host drops everything that reaches it.</summary>
    public bool IsUp { get; internal set; } = true;

    /// <summary>
    /// Adds a network adapter attached to <paramref name="segment"/>, with addresses written <c>address/prefix</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An address has no /prefix (<c>"10.0.0.3"</c> instead of <c>"10.0.0.3/24"</c>) or is
    /// malformed; nothing is added. SimNet never guesses a /32, which would leave the neighbours unreachable.</exception>
    public NetworkAdapter AddAdapter(string name, Segment segment, params string[] addresses)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentNullException.ThrowIfNull(addresses);
        foreach (string cidr in addresses)
        {
            NetworkAdapter.ParseArgument(cidr, nameof(addresses));
        }

        if (segment.Simulation != Simulation)
        {
            throw new ArgumentException("The segment belongs to another simulation.", nameof(segment));
        }

        lock (Simulation.Gate)
        {
            if (name == Loopback.Name || FindAdapter(name) is not null)
            {
                throw new ArgumentException($"{Name} already has an adapter named '{name}'.", nameof(name));
            }

            var adapter = new NetworkAdapter(this, name, adapters.Count + 2, segment, isLoopback: false, mtu: 1500);
            adapters.Add(adapter);
            Simulation.TopologyChanged();
            segment.Attach(adapter);
            foreach (string cidr in addresses)
            {
                adapter.AddAddress(cidr);
            }

            return adapter;
        }
    }

    /// <summary>Adds a static route to <paramref name="destination"/> (<c>prefix/len</c>) through <paramref name="gateway"/>.</summary>
    /// <exception cref="InvalidOperationException">No adapter has a subnet containing the gateway.</exception>
    public Route AddRoute(string destination, string gateway)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(gateway);
        IPNetwork network = IPNetwork.Parse(destination);
        IPAddress via = IPAddress.Parse(gateway);
        lock (Simulation.Gate)
        {
            NetworkAdapter adapter = AdapterOnLinkWith(via)
                ?? throw new InvalidOperationException($"{Name} has no adapter on a subnet containing the gateway {via}.");
            var route = new Route(network, via, adapter);
            routes.Add(route);
            Simulation.TopologyChanged();
            return route;
        }
    }

    /// <summary>Adds a route to <paramref name="destination"/> straight onto <paramref name="adapter"/>'s segment, with no gateway.</summary>
    public Route AddRoute(string destination, NetworkAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(adapter);
        if (adapter.Host != this)
        {
            throw new ArgumentException($"{adapter} is not an adapter of {Name}.", nameof(adapter));
        }

        var route = new Route(IPNetwork.Parse(destination), null, adapter);
        lock (Simulation.Gate)
        {
            routes.Add(route);
            Simulation.TopologyChanged();
        }

        return route;
    }

    /// <summary>Adds a default route (<c>0.0.0.0/0</c> or <c>::/0</c>) through <paramref name="gateway"/>.</summary>
    public Route AddDefaultRoute(string gateway)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        IPAddress via = IPAddress.Parse(gateway);
        return AddRoute(via.AddressFamily == AddressFamily.InterNetwork ? "0.0.0.0/0" : "::/0", gateway);
    }

    /// <summary>Adds an IPv4 default route straight onto <paramref name="adapter"/> (<c>ip route add default dev eth0</c>).</summary>
    public Route AddDefaultRoute(NetworkAdapter adapter) => AddRoute("0.0.0.0/0", adapter);

    /// <summary>Looks up an adapter by name (<c>lo</c> included).</summary>
    public NetworkAdapter? FindAdapter(string name)
    {
        if (name == Loopback.Name)
        {
            return Loopback;
        }

        for (int i = 0; i < adapters.Count; i++)
        {
            if (adapters[i].Name == name)
            {
                return adapters[i];
            }
        }

        return null;
    }

    /// <summary>Looks up an adapter by interface index (1 is loopback).</summary>
    public NetworkAdapter? FindAdapter(int index)
    {
        if (index == 1)
        {
            return Loopback;
        }

        int i = index - 2;
        return i >= 0 && i < adapters.Count ? adapters[i] : null;
    }

    /// <summary>The adapter that has <paramref name="address"/>; loopback owns all of 127.0.0.0/8.</summary>
    public NetworkAdapter? FindAdapterOwning(IPAddress address)
    {
        address = AddressRules.Unmap(address);
        if (IPAddress.IsLoopback(address))
        {
            return Loopback;
        }

        for (int i = 0; i < adapters.Count; i++)
        {
            if (adapters[i].Owns(address))
            {
                return adapters[i];
            }
        }

        return null;
    }

    /// <summary>The adapter that has exactly <paramref name="address"/> assigned, loopback included.</summary>
    internal NetworkAdapter? FindAdapterAssigned(IPAddress address)
    {
        if (Loopback is not null && Loopback.Owns(address))
        {
            return Loopback;
        }

        for (int i = 0; i < adapters.Count; i++)
        {
            if (adapters[i].Owns(address))
            {
                return adapters[i];
            }
        }

        return null;
    }

    /// <summary>Every unicast address of the host, loopback first, then adapters in order.</summary>
    public IEnumerable<IPAddress> Addresses
    {
        get
        {
            foreach (AdapterAddress a in Loopback.Addresses)
            {
                yield return a.Address;
            }

            foreach (NetworkAdapter adapter in adapters)
            {
                foreach (AdapterAddress a in adapter.Addresses)
                {
                    yield return a.Address;
                }
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="entry"/> as code of this host on the simulation's thread: sockets created
    /// with the real constructors inside it belong to this host. Drives the simulation until it ends.
    /// </summary>
    public void Run(Func<Task> entry) => Simulation.Run(this, entry);

    /// <summary>Makes this host current for the calling flow; used by <see cref="Simulation.Run(Host, Func{Task})"/>.</summary>
    internal static void SetCurrent(Host? host) => CurrentHost.Value = host;

    private NetworkAdapter? AdapterOnLinkWith(IPAddress address)
    {
        foreach (NetworkAdapter adapter in adapters)
        {
            foreach (AdapterAddress a in adapter.Addresses)
            {
                if (a.Network.Contains(address))
                {
                    return adapter;
                }
            }
        }

        return null;
    }

    // ---------------------------------------------------------------- routing

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
                if (a.PrefixLength > best && a.Network.BaseAddress.AddressFamily == destination.AddressFamily && a.Network.Contains(destination))
                {
                    best = a.PrefixLength;
                    adapter = candidate;
                    connected = a;
                }
            }
        }

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

        return best >= 0;
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
            return new RouteDecision(SocketError.Success, Loopback, null, src, Loopback.IsDirectedBroadcast(destination), false, true);
        }

        if (AddressRules.IsMulticast(destination))
        {
            NetworkAdapter? via = null;
            if (multicastInterface != 0)
            {
                via = FindAdapter(multicastInterface);
            }
            else if (boundSource is not null)
            {
                via = FindAdapterOwning(boundSource);
            }
            else if (TryLookup(destination, out NetworkAdapter found, out _, out _))
            {
                via = found;
            }

            if (via is null || !via.IsUp)
            {
                return RouteDecision.Fail(SocketError.NetworkUnreachable);
            }

            IPAddress? source = boundSource ?? via.PrimaryAddress(family);
            if (source is null)
            {
                return RouteDecision.Fail(SocketError.AddressNotAvailable);
            }

            return new RouteDecision(SocketError.Success, via, null, source, false, true, false);
        }

        if (FindAdapterOwning(destination) is not null)
        {
            return new RouteDecision(SocketError.Success, Loopback, null, boundSource ?? destination, false, false, true);
        }

        if (AddressRules.IsLimitedBroadcast(destination))
        {
            NetworkAdapter? via = null;
            if (boundSource is not null)
            {
                via = FindAdapterOwning(boundSource);
            }
            else if (TryLookup(destination, out NetworkAdapter found, out _, out _))
            {
                via = found;
            }

            if (via is null || !via.IsUp || via.IsLoopback)
            {
                return RouteDecision.Fail(SocketError.NetworkUnreachable);
            }

            IPAddress? source = boundSource ?? via.PrimaryAddress(AddressFamily.InterNetwork);
            return source is null
                ? RouteDecision.Fail(SocketError.AddressNotAvailable)
                : new RouteDecision(SocketError.Success, via, null, source, true, false, false);
        }

        if (!TryLookup(destination, out NetworkAdapter adapter, out IPAddress? gateway, out AdapterAddress? subnet))
        {
            return RouteDecision.Fail(SocketError.NetworkUnreachable);
        }

        IPAddress? from = boundSource ?? subnet?.Address ?? PreferredSource(adapter, family);
        if (from is null)
        {
            return RouteDecision.Fail(SocketError.AddressNotAvailable);
        }

        bool broadcast = gateway is null && subnet?.Broadcast is { } b && b.Equals(destination);
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

    // ---------------------------------------------------------------- the IP layer

    /// <summary>Puts a packet the host's stack built on its way, as <paramref name="route"/> decided.</summary>
    internal void Send(Packet packet, in RouteDecision route)
    {
        Simulation sim = Simulation;
        NetworkAdapter adapter = route.Adapter!;
        packet.Origin = this;
        sim.Record(TraceKind.Send, packet, this, adapter);
        if (!IsUp)
        {
            sim.Drop(packet, this, adapter, DropReason.HostDown);
            return;
        }

        if (route.IsLocal)
        {
            sim.ScheduleDelivery(0, Loopback, packet);
            return;
        }

        if (!adapter.IsUp)
        {
            sim.Drop(packet, this, adapter, DropReason.AdapterDown);
            return;
        }

        // Linux loops a copy of every broadcast back to the sending host, and a copy of multicast
        // when IP_MULTICAST_LOOP is on and the host has joined the group on the outgoing adapter.
        if (route.IsBroadcast || (route.IsMulticast && packet.LoopMulticast && adapter.IsMember(packet.Destination)))
        {
            sim.ScheduleDelivery(0, adapter, sim.CopyPacket(packet, this, adapter));
        }

        if (route.IsMulticast && packet.Ttl == 0)
        {
            // Linux keeps multicast with TTL 0 on the sending host: only the loopback copy exists.
            sim.Drop(packet, this, adapter, DropReason.ScopeExceeded);
            return;
        }

        adapter.Segment!.Transmit(packet, adapter, route.NextHop);
    }

    /// <summary>A packet arrives on <paramref name="adapter"/>: accept it, forward it, or drop it with a reason.</summary>
    internal void Receive(Packet packet, NetworkAdapter adapter)
    {
        Simulation sim = Simulation;
        if (!IsUp)
        {
            sim.Drop(packet, this, adapter, DropReason.HostDown);
            return;
        }

        if (!adapter.IsUp)
        {
            sim.Drop(packet, this, adapter, DropReason.AdapterDown);
            return;
        }

        IPAddress destination = packet.Destination;
        if (adapter.IsLoopback)
        {
            DeliverLocally(packet);
            return;
        }

        if (AddressRules.IsMulticast(destination))
        {
            if (Forwards && packet.Origin != this)
            {
                ForwardMulticast(packet, adapter);
            }

            if (adapter.IsMember(destination))
            {
                DeliverLocally(packet);
            }
            else
            {
                sim.Drop(packet, this, adapter, DropReason.NotAMember);
            }

            return;
        }

        // Own address first: the common case, and the three checks have no side effects.
        if (FindAdapterOwning(destination) is not null || AddressRules.IsLimitedBroadcast(destination) || adapter.IsDirectedBroadcast(destination))
        {
            DeliverLocally(packet);
            return;
        }

        if (Forwards)
        {
            Forward(packet, adapter);
            return;
        }

        sim.Drop(packet, this, adapter, DropReason.NotForThisHost);
    }

    private void Forward(Packet packet, NetworkAdapter arrivedOn)
    {
        Simulation sim = Simulation;
        if (packet.Ttl <= 1)
        {
            sim.Drop(packet, this, arrivedOn, DropReason.TtlExpired);
            return;
        }

        if (!TryLookup(packet.Destination, out NetworkAdapter adapter, out IPAddress? gateway, out AdapterAddress? subnet))
        {
            sim.Drop(packet, this, arrivedOn, DropReason.NoRoute);
            return;
        }

        if (gateway is null && subnet?.Broadcast is { } b && b.Equals(packet.Destination))
        {
            // Linux does not forward directed broadcasts by default (bc_forwarding = 0).
            sim.Drop(packet, this, arrivedOn, DropReason.NotForThisHost);
            return;
        }

        packet.Ttl--;
        sim.Record(TraceKind.Forward, packet, this, adapter);
        adapter.Segment!.Transmit(packet, adapter, gateway ?? packet.Destination);
    }

    private void ForwardMulticast(Packet packet, NetworkAdapter arrivedOn)
    {
        if (packet.Ttl <= 1 || AddressRules.IsLinkLocalMulticast(packet.Destination))
        {
            return;
        }

        Simulation sim = Simulation;
        for (int i = 0; i < adapters.Count; i++)
        {
            NetworkAdapter out_ = adapters[i];
            if (out_ == arrivedOn || !out_.IsUp)
            {
                continue;
            }

            Packet copy = sim.CopyPacket(packet, this, arrivedOn);
            copy.Ttl--;
            sim.Record(TraceKind.Forward, copy, this, out_);
            out_.Segment!.Transmit(copy, out_, null);
        }
    }

    private void DeliverLocally(Packet packet)
    {
        switch (packet.Protocol)
        {
            case IpProtocol.Udp:
                Udp.Deliver(packet);
                break;
            case IpProtocol.Icmp:
            case IpProtocol.IcmpV6:
                ReceiveIcmp(packet);
                break;
            default:
                if (packet.Protocol == IpProtocol.Tcp && Tcp is { } tcp)
                {
                    tcp.Deliver(packet);
                }
                else
                {
                    Simulation.Drop(packet, this, packet.ArrivedOn, DropReason.NoConnection);
                }

                break;
        }
    }

    // ---------------------------------------------------------------- ICMP

    internal const byte IcmpDestinationUnreachable = 3;
    internal const byte IcmpPortUnreachableCode = 3;
    internal const byte Icmp6DestinationUnreachable = 1;
    internal const byte Icmp6PortUnreachableCode = 4;

    /// <summary>Answers a unicast datagram nobody wanted with ICMP port unreachable, quoting its addressing.</summary>
    internal void SendPortUnreachable(Packet original)
    {
        bool v4 = original.Destination.AddressFamily == AddressFamily.InterNetwork;
        RouteDecision route = Route(original.Source, original.Destination, 0);
        if (route.Error != SocketError.Success)
        {
            return;
        }

        Simulation sim = Simulation;
        Packet icmp = sim.Packets.Rent(0);
        icmp.Protocol = v4 ? IpProtocol.Icmp : IpProtocol.IcmpV6;
        icmp.Source = route.Source!;
        icmp.Destination = original.Source;
        icmp.SourcePort = 0;
        icmp.DestinationPort = 0;
        icmp.Ttl = 64;
        icmp.IcmpType = v4 ? IcmpDestinationUnreachable : Icmp6DestinationUnreachable;
        icmp.IcmpCode = v4 ? IcmpPortUnreachableCode : Icmp6PortUnreachableCode;
        icmp.QuotedProtocol = original.Protocol;
        icmp.QuotedSource = original.Source;
        icmp.QuotedSourcePort = original.SourcePort;
        icmp.QuotedDestination = original.Destination;
        icmp.QuotedDestinationPort = original.DestinationPort;
        Send(icmp, route);
    }

    private void ReceiveIcmp(Packet packet)
    {
        int receivers = 0;
        bool portUnreachable = packet.Protocol == IpProtocol.Icmp
            ? packet.IcmpType == IcmpDestinationUnreachable && packet.IcmpCode == IcmpPortUnreachableCode
            : packet.IcmpType == Icmp6DestinationUnreachable && packet.IcmpCode == Icmp6PortUnreachableCode;
        if (portUnreachable && packet.QuotedProtocol == IpProtocol.Udp)
        {
            receivers = Udp.ReportUnreachable(packet);
        }
        else if (packet.QuotedProtocol == IpProtocol.Tcp && Tcp is { } tcp)
        {
            receivers = tcp.ReportIcmp(packet);
        }

        Simulation.Deliver(packet, this, receivers);
        Simulation.Packets.Return(packet);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
