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

    // The runtime lays out references first, in the order declared, then numbers, then flags. The references a
    // datagram reads come first, so that for a host no datagram has touched lately they share as few cache lines
    // as they can (bench/cache-misses.sh counts them); the host's life (Host.Lifecycle.cs) is kept aside.
    private readonly Simulation simulation;
    private readonly IpLayer ip;
    private readonly UdpStack udp;
    private AdapterAddress? soleV4;
    private NetworkAdapter? soleV4Adapter;
    private readonly NetworkAdapter loopback;
    private readonly List<NetworkAdapter> adapters = new();
    private readonly List<Route> routes = new();
    private Names.ServicesFile services = Names.ServicesFile.Default;

    internal Host(Simulation simulation, string name, int index, bool forwards)
    {
        this.simulation = simulation;
        Name = name;
        Index = index;
        Forwards = forwards;
        loopback = new NetworkAdapter(this, "lo", 1, null, isLoopback: true, mtu: 65536);
        loopback.AssignLoopback(simulation.LoopbackAddresses);
        ip = new IpLayer(this, adapters, routes);
        udp = new UdpStack(this);
    }

    /// <summary>
    /// The host whose code is running: set inside <see cref="Run(Func{Task})"/> and <see cref="Simulation.Run(Host, Func{Task})"/>,
    /// and flowing through awaits, so application code can keep the real socket constructors.
    /// </summary>
    /// <remarks>An <see cref="AsyncLocal{T}"/>: each logical flow of execution sees its own value, so simulations running side by side do not see each other's hosts.</remarks>
    public static Host? Current => CurrentHost.Value;

    /// <summary>The simulation this host belongs to.</summary>
    public Simulation Simulation => simulation;

    /// <summary>The host's name (also its DNS name when names are added from the topology).</summary>
    public string Name { get; }

    internal int Index { get; }

    /// <summary>Whether the host forwards packets between its adapters (a router).</summary>
    public bool Forwards { get; }

    /// <summary>The loopback adapter: 127.0.0.1/8 and ::1, interface index 1.</summary>
    public NetworkAdapter Loopback => loopback;

    /// <summary>The network adapters in the order they were added (loopback not included). "First adapter" means <c>Adapters[0]</c>.</summary>
    public IReadOnlyList<NetworkAdapter> Adapters => adapters;

    /// <summary>The static routes, in the order they were added. Connected routes come from the adapters' addresses and are not listed.</summary>
    public IReadOnlyList<Route> Routes => routes;

    internal UdpStack Udp => udp;

    /// <summary>How this host resolves host names and service names.</summary>
    public Names.HostResolver Resolver => resolver ?? CreateResolver();

    // The resolver and the TCP stack are made on first use: a host that never resolves a name or opens a
    // TCP socket (most of a 100,000-host world) carries neither (about 600 B per host).
    private Names.HostResolver? resolver;
    private IProtocolHandler? tcp;

    private Names.HostResolver CreateResolver()
    {
        Interlocked.CompareExchange(ref resolver, new Names.HostResolver(this), null);
        return resolver;
    }

    /// <summary>The host's services file (<c>/etc/services</c>); service names it lacks fall through to DNS SRV. Default: <see cref="Names.ServicesFile.Default"/>.</summary>
    public Names.ServicesFile Services
    {
        get => services;
        set => services = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>The TCP stack, attached by the TCP layer when present.</summary>
    internal IProtocolHandler? Tcp
    {
        get
        {
            if (tcp is null && !tcpRemoved)
            {
                Interlocked.CompareExchange(ref tcp, new Transport.Tcp.TcpStack(this), null);
            }

            return tcp;
        }

        set
        {
            tcp = value;
            tcpRemoved = value is null; // set to null on purpose (a host without TCP): stays so
        }
    }

    private bool tcpRemoved;

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
            ip.RouteCount = routes.Count;
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
            ip.RouteCount = routes.Count;
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

        return AdapterWithAddress(address);
    }

    /// <summary>The first adapter (loopback aside) that has exactly <paramref name="address"/> assigned.</summary>
    private NetworkAdapter? AdapterWithAddress(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork && (soleV4 is not null || v4Count == 0))
        {
            // The walk below would find at most this one IPv4 address (see AddressKept).
            return soleV4 is not null && soleV4.V4Address == AddressRules.V4Value(address) ? soleV4Adapter : null;
        }

        if (adapters.Count > OwnerScanLimit)
        {
            return OwnerIndex().GetValueOrDefault(address);
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

    // The IPv4 addresses of this host's adapters (loopback's aside), as the send path asks about them: how many,
    // and while there is exactly one, that one with its adapter (soleV4 and soleV4Adapter, declared at the top
    // beside the other fields a datagram reads). Addresses and adapters are only ever added, so these stay true
    // without a version. With one such address (nearly every host), "is this destination mine?" and the
    // connected-subnet match read these fields instead of walking the adapter list and each adapter's address
    // list: for a host no datagram had touched lately that walk cost about six cache misses per datagram
    // (bench/cache-by-method.sh shows where they are).
    private int v4Count;

    /// <summary>The host's only IPv4 address outside loopback and its adapter, when it has exactly one.</summary>
    internal (AdapterAddress Address, NetworkAdapter Adapter)? SoleV4 => soleV4 is null ? null : (soleV4, soleV4Adapter!);

    /// <summary>Called by a non-loopback adapter of this host for each address it is given, in order.</summary>
    internal void AddressKept(NetworkAdapter adapter, AdapterAddress added)
    {
        if (!added.IsV4)
        {
            return;
        }

        bool first = v4Count++ == 0;
        soleV4 = first ? added : null;
        soleV4Adapter = first ? adapter : null;
    }

    /// <summary>Up to this many adapters, asking each is cheaper than a hash lookup; both give the same answer.</summary>
    private const int OwnerScanLimit = 8;

    // A router with an adapter on each of 100 segments asked every adapter, twice per forwarded packet
    // (is it mine? where to?). Address → first adapter (in order) that has it, rebuilt when the topology
    // version moved; a new dictionary is published whole, so a reader never sees one half built.
    // Only looked up, never iterated: no order depends on hashing.
    private (int Version, Dictionary<IPAddress, NetworkAdapter> Owners)? ownerIndex;

    private Dictionary<IPAddress, NetworkAdapter> OwnerIndex()
    {
        int version = Simulation.TopologyVersion;
        if (ownerIndex is { } index && index.Version == version)
        {
            return index.Owners;
        }

        var owners = new Dictionary<IPAddress, NetworkAdapter>();
        for (int i = 0; i < adapters.Count; i++)
        {
            IReadOnlyList<AdapterAddress> list = adapters[i].Addresses;
            for (int j = 0; j < list.Count; j++)
            {
                owners.TryAdd(list[j].Address, adapters[i]);
            }
        }

        ownerIndex = (version, owners);
        return owners;
    }

    /// <summary>The adapter that has exactly <paramref name="address"/> assigned, loopback included.</summary>
    internal NetworkAdapter? FindAdapterAssigned(IPAddress address)
    {
        if (Loopback is not null && Loopback.Owns(address))
        {
            return Loopback;
        }

        return AdapterWithAddress(address);
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

    // ---------------------------------------------------------------- the IP layer (src/SimNet/Ip/IpLayer.cs)

    /// <summary>The host's IP layer: route and source selection, send, receive, forward and ICMP.</summary>
    internal IpLayer Ip => ip;

    /// <inheritdoc cref="IpLayer.Route"/>
    internal RouteDecision Route(IPAddress destination, IPAddress? boundSource, int multicastInterface) =>
        Ip.Route(destination, boundSource, multicastInterface);

    /// <inheritdoc cref="IpLayer.Send"/>
    internal void Send(Packet packet, in RouteDecision route) => Ip.Send(packet, route);

    /// <inheritdoc cref="IpLayer.SendPortUnreachable"/>
    internal void SendPortUnreachable(Packet original) => Ip.SendPortUnreachable(original);

    /// <inheritdoc />
    public override string ToString() => Name;
}
