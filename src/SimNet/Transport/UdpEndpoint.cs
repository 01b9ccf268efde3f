using System.Net;
using System.Net.Sockets;
using SimNet.Ip;
using SimNet.Topology;

namespace SimNet.Transport;

/// <summary>Something waiting for a UDP endpoint to have a datagram or an error (an async receive).</summary>
internal interface IUdpWaiter
{
    /// <summary>Called on the simulation thread when data or an error may be there; returns true when finished.</summary>
    bool TryComplete(UdpEndpoint endpoint);

    /// <summary>The endpoint closed while the waiter waited.</summary>
    void Abort(SocketError error);
}

/// <summary>A datagram taken off a receive queue.</summary>
internal readonly record struct ReceivedDatagram(int Length, bool Truncated, IPAddress Source, int SourcePort, IPAddress Destination, NetworkAdapter? Adapter);

/// <summary>
/// The kernel side of one UDP socket: its binding, peer, options, receive queue and pending error.
/// Operations return a <see cref="SocketError"/>; the socket API layer turns those into exceptions.
/// All members run under the simulation's lock.
/// </summary>
internal sealed class UdpEndpoint : IPortBinding, Sockets.IKernelSocket
{
    /// <summary>Largest UDP payload over IPv4: 65,535 − 20 (IP) − 8 (UDP).</summary>
    public const int MaxIPv4Payload = 65507;

    /// <summary>Largest UDP payload over IPv6 without jumbograms: 65,535 − 8 (UDP); the IPv6 header is not counted in its payload length.</summary>
    public const int MaxIPv6Payload = 65527;

    /// <summary>Linux <c>net.core.rmem_default</c> / <c>wmem_default</c>.</summary>
    public const int DefaultBufferSize = 212992;

    /// <summary>What a queued datagram costs in the receive buffer besides its payload, approximating Linux's skb truesize.</summary>
    public const int PerDatagramOverhead = 768;

    // Inline, and the two lists made on first use: a delivery and a read then touch no object but this one
    // (with thousands of hosts, each further object was a cache miss on every datagram).
    private PacketQueue queue;
    private List<IUdpWaiter>? waiters;
    private List<(IPAddress Group, NetworkAdapter Adapter)>? memberships;
    private int queuedBytes;

    public UdpEndpoint(Host host, AddressFamily family)
    {
        Host = host;
        Family = family;
    }

    public Host Host { get; }

    public AddressFamily Family { get; }

    public bool DualMode { get; set; }

    /// <summary>The bound address as given (an IPv6 socket may hold an IPv4-mapped one).</summary>
    public IPAddress? LocalAddress
    {
        get => localAddress;
        set
        {
            localAddress = value;
            localPlain = value is null ? null : AddressRules.Unmap(value);
            sendSource = localPlain is null || AddressRules.IsMulticast(localPlain) || AddressRules.IsLimitedBroadcast(localPlain) || Host.Ip.IsAdapterBroadcast(localPlain)
                ? null
                : value;
        }
    }

    /// <summary>
    /// The source the bound address gives outgoing datagrams: the bound address, except a group or a
    /// broadcast address, which leave the source to the route (Linux's inet_bind sets inet_saddr to 0 for them).
    /// </summary>
    private IPAddress? SendSource => sendSource;

    private IPAddress? sendSource;

    private IPAddress? localAddress;

    // The bound address unmapped, computed once: ::ffff:0.0.0.0 is the IPv4 wildcard, as on Linux.
    private IPAddress? localPlain;

    public int LocalPort { get; set; }

    /// <inheritdoc />
    IPAddress? IPortBinding.BoundAddress => localAddress;

    bool IPortBinding.IsListening => false;

    public bool IsBound => LocalAddress is not null;

    public IPAddress? RemoteAddress { get; private set; }

    public int RemotePort { get; private set; }

    public bool IsConnected => RemoteAddress is not null;

    public bool Broadcast { get; set; }

    public bool ReuseAddress { get; set; }

    public int MulticastTimeToLive { get; set; } = 1;

    public bool MulticastLoopback { get; set; } = true;

    /// <summary>IP_MULTICAST_IF as an interface index; 0 lets the route decide.</summary>
    public int MulticastInterface { get; set; }

    public int TimeToLive { get; set; } = 64;

    public int ReceiveBufferSize { get; set; } = DefaultBufferSize;

    public int SendBufferSize { get; set; } = DefaultBufferSize;

    public bool DontFragment { get; set; }

    public bool ShutdownSend { get; set; }

    public bool ShutdownReceive { get; set; }

    public bool Closed { get; private set; }

    public SocketError PendingError { get; private set; }

    public int QueuedCount => queue.Count;

    public IReadOnlyList<(IPAddress Group, NetworkAdapter Adapter)> Memberships => (IReadOnlyList<(IPAddress Group, NetworkAdapter Adapter)>?)memberships ?? [];

    public bool CoversIPv4 => Family == AddressFamily.InterNetwork || DualMode;

    public bool CoversIPv6 => Family == AddressFamily.InterNetworkV6;

    /// <summary>Whether a datagram to <paramref name="destination"/> matches this socket's bound address.</summary>
    public bool Accepts(IPAddress destination)
    {
        IPAddress local = localPlain!;
        bool v4 = destination.AddressFamily == AddressFamily.InterNetwork;
        if (AddressRules.IsAny(local))
        {
            // 0.0.0.0 (also as ::ffff:0.0.0.0 on a dual-mode socket) takes IPv4 only; :: takes what the socket covers.
            return local.AddressFamily == AddressFamily.InterNetwork ? v4 && CoversIPv4 : v4 ? CoversIPv4 : CoversIPv6;
        }

        return local.Equals(destination);
    }

    public bool IsPeer(IPAddress address, int port) =>
        port == RemotePort && AddressRules.Unmap(RemoteAddress!).Equals(AddressRules.Unmap(address));

    /// <summary>Binds to <paramref name="address"/>:<paramref name="port"/> (port 0 for ephemeral).</summary>
    public SocketError Bind(IPAddress address, int port)
    {
        if (Closed)
        {
            return ClosedError;
        }

        if (IsBound)
        {
            // Linux checks the address before noticing the socket is bound (measured: AddressNotAvailable first).
            SocketError allowed = Host.Ip.CheckBindAddress(AddressRules.Unmap(address));
            return allowed != SocketError.Success ? allowed : SocketError.InvalidArgument;
        }

        return Host.Udp.Bind(this, address, port);
    }

    /// <summary>Binds an unbound socket to the wildcard and an ephemeral port, as Linux does before any send (inet_send_prepare).</summary>
    public SocketError AutoBindWildcard() => AutoBind(null);

    private SocketError AutoBind(IPAddress? address)
    {
        if (IsBound)
        {
            return SocketError.Success;
        }

        IPAddress any = Family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;
        if (address is not null && Family == AddressFamily.InterNetworkV6 && address.AddressFamily == AddressFamily.InterNetwork)
        {
            address = address.MapToIPv6();
        }

        return Host.Udp.Bind(this, address ?? any, 0);
    }

    /// <summary>Sets the default peer and the receive filter. Linux binds an unbound socket to the address the route picks.</summary>
    /// <param name="address">The peer's address.</param>
    /// <param name="port">The peer's port.</param>
    /// <param name="via">A local address whose adapter the route must use instead of the bound address (WinRT's "first adapter" broadcast); null for the usual route.</param>
    public SocketError Connect(IPAddress address, int port, IPAddress? via = null)
    {
        if (Closed)
        {
            return ClosedError;
        }

        address = ThisHostIfUnspecified(address);

        // Linux (inet_dgram_connect) binds an unbound socket to the wildcard and a port first, so a
        // connect that then fails leaves the socket bound (measured: LocalEndPoint 0.0.0.0:port).
        SocketError bindError = AutoBind(null);
        if (bindError != SocketError.Success)
        {
            return bindError;
        }

        // Linux (ip6_datagram_connect): a link-scope peer needs a scope id, or for a group IPV6_MULTICAST_IF.
        if (AddressRules.NeedsScopeId(address) && !(address.IsIPv6Multicast && MulticastInterface != 0))
        {
            return SocketError.InvalidArgument;
        }

        RouteDecision route = RouteTo(address, via ?? SendSource);
        if (route.Error != SocketError.Success)
        {
            return route.Error;
        }

        if (route.IsBroadcast && !Broadcast)
        {
            return SocketError.AccessDenied;
        }

        // A socket bound to the wildcard takes the route's source address at connect (Linux's
        // __ip4_datagram_connect / ip6_datagram_connect): LocalEndPoint goes from 0.0.0.0:p to 192.0.2.1:p.
        if (AddressRules.IsAny(localPlain!) && route.Source is { } source)
        {
            LocalAddress = Family == AddressFamily.InterNetworkV6 && source.AddressFamily == AddressFamily.InterNetwork ? source.MapToIPv6() : source;
        }

        RemoteAddress = address;
        RemotePort = port;
        return SocketError.Success;
    }

    /// <summary>Sends one datagram. Errors are returned, never thrown.</summary>
    /// <param name="payload">The datagram's bytes.</param>
    /// <param name="destination">Where to.</param>
    /// <param name="port">The destination port.</param>
    /// <param name="via">A local address that chooses the source and the adapter instead of the bound address (WinRT sends a broadcast through a chosen adapter); null for the usual route.</param>
    public SocketError SendTo(ReadOnlySpan<byte> payload, IPAddress destination, int port, IPAddress? via = null)
    {
        if (Closed)
        {
            return ClosedError;
        }

        // Linux (inet_send_prepare) binds an unbound socket before anything else is checked, so a send
        // that then fails leaves it bound to the wildcard and a port (measured: a later Bind is InvalidArgument).
        SocketError bindError = AutoBind(null);
        if (bindError != SocketError.Success)
        {
            return bindError;
        }

        IPAddress plain = AddressRules.Unmap(ThisHostIfUnspecified(destination));
        bool v4 = plain.AddressFamily == AddressFamily.InterNetwork;
        if (payload.Length > (v4 ? MaxIPv4Payload : MaxIPv6Payload))
        {
            return SocketError.MessageSize;
        }

        RouteDecision route = RouteTo(plain, via ?? SendSource);
        if (route.Error != SocketError.Success)
        {
            return route.Error;
        }

        if (route.IsBroadcast && !Broadcast)
        {
            return SocketError.AccessDenied;
        }

        if (DontFragment && payload.Length + (v4 ? 28 : 48) > route.Adapter!.Mtu)
        {
            return SocketError.MessageSize;
        }

        // Linux finds a pending ICMP error, then SEND_SHUTDOWN (EPIPE), only when it allocates the
        // datagram (sock_alloc_send_pskb): after the size, route and SO_BROADCAST checks (measured).
        if (TakePendingError() is var pending && pending != SocketError.Success)
        {
            return pending;
        }

        if (ShutdownSend)
        {
            return SocketError.Shutdown;
        }

        Packet packet = Host.Simulation.Packets.Rent(payload.Length);
        payload.CopyTo(packet.Buffer);
        packet.Protocol = IpProtocol.Udp;
        packet.Source = route.Source!;
        packet.SourcePort = LocalPort;
        packet.Destination = plain;
        packet.DestinationPort = port;
        packet.Ttl = route.IsMulticast ? MulticastTimeToLive : TimeToLive;
        packet.DontFragment = DontFragment;
        packet.LoopMulticast = MulticastLoopback;
        Host.Send(packet, route);
        return SocketError.Success;
    }

    /// <summary>
    /// Linux sends to the unspecified address (0.0.0.0, ::) on this host: the bound address if there
    /// is one, else loopback (measured: connect to 0.0.0.0:p reads back 127.0.0.1:p).
    /// </summary>
    private IPAddress ThisHostIfUnspecified(IPAddress destination)
    {
        IPAddress plain = AddressRules.Unmap(destination);
        if (!AddressRules.IsAny(plain))
        {
            return destination;
        }

        IPAddress here = LocalAddress is { } bound && !AddressRules.IsAny(AddressRules.Unmap(bound)) && AddressRules.Unmap(bound).AddressFamily == plain.AddressFamily
            ? AddressRules.Unmap(bound)
            : plain.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback;
        return destination.IsIPv4MappedToIPv6 ? here.MapToIPv6() : here;
    }

    // The last route decision and what it was made for: a socket sending to one peer again and again
    // (the common case) skips the routing table while the topology has not changed.
    private IPAddress? routedDestination;
    private IPAddress? routedSource;
    private int routedInterface;
    private int routedVersion = -1;
    private RouteDecision routed;

    private RouteDecision RouteTo(IPAddress destination, IPAddress? source)
    {
        int version = Host.Simulation.TopologyVersion;
        if (version == routedVersion && MulticastInterface == routedInterface
            && (ReferenceEquals(destination, routedDestination) || destination.Equals(routedDestination))
            && (ReferenceEquals(source, routedSource) || (source is not null && source.Equals(routedSource))))
        {
            return routed;
        }

        routed = Host.Route(destination, source, MulticastInterface);
        routedDestination = destination;
        routedSource = source;
        routedInterface = MulticastInterface;
        routedVersion = version;
        return routed;
    }

    /// <summary>Takes the error an ICMP message left (Linux's sk_err), reporting it once.</summary>
    public SocketError TakePendingError()
    {
        SocketError e = PendingError;
        PendingError = SocketError.Success;
        return e;
    }

    public void SetPendingError(SocketError error)
    {
        PendingError = error;
        WakeWaiters();
    }

    /// <summary>
    /// Queues a delivered datagram, unless the receive buffer is already over its limit (Linux checks
    /// before adding). Wakes nobody: the caller records the delivery first and then calls
    /// <see cref="WakeWaiters"/>, because a waiter takes the datagram and recycles its packet.
    /// </summary>
    public bool TryEnqueue(Packet packet)
    {
        // Not ShutdownReceive: Linux keeps queueing after shutdown(SHUT_RD) on UDP, and a receive still takes what is queued (measured).
        if (Closed || queuedBytes > ReceiveBufferSize)
        {
            return false;
        }

        queue.Enqueue(packet);
        queuedBytes += packet.Length + PerDatagramOverhead;
        return true;
    }

    /// <summary>Size of the next datagram (Linux reports the first datagram only; Windows the total).</summary>
    public int Available => queue.TryPeek(out Packet? p) ? p.Length : 0;

    public bool HasDataOrError => queue.Count > 0 || PendingError != SocketError.Success || ShutdownReceive || Closed;

    /// <summary>
    /// What an endpoint the kernel closed under its socket answers: its host crashed (the socket API
    /// reports its own disposal before it ever gets here). The endpoint never sends, binds or blocks again.
    /// </summary>
    private const SocketError ClosedError = SocketError.NetworkDown;

    /// <summary>
    /// Takes the next datagram into <paramref name="buffer"/>; a datagram larger than the buffer is
    /// truncated (Linux). Returns WouldBlock when nothing is queued; a pending ICMP error comes first.
    /// </summary>
    public SocketError TryReceive(Span<byte> buffer, bool peek, out ReceivedDatagram datagram)
    {
        datagram = default;
        if (Closed)
        {
            return ClosedError;
        }

        SocketError pending = TakePendingError();
        if (pending != SocketError.Success)
        {
            return pending;
        }

        if (!queue.TryPeek(out Packet? packet))
        {
            return SocketError.WouldBlock;
        }

        int n = Math.Min(buffer.Length, packet.Length);
        packet.Payload[..n].CopyTo(buffer);
        datagram = new ReceivedDatagram(n, n < packet.Length, packet.Source, packet.SourcePort, packet.Destination, packet.ArrivedOn);
        if (!peek)
        {
            queue.TryDequeue(out _);
            queuedBytes -= packet.Length + PerDatagramOverhead;
            Host.Simulation.Packets.Return(packet);
        }

        return SocketError.Success;
    }

    public void AddWaiter(IUdpWaiter waiter)
    {
        (waiters ??= new()).Add(waiter);
        WakeWaiters();
    }

    public bool RemoveWaiter(IUdpWaiter waiter) => waiters is not null && waiters.Remove(waiter);

    public int WaiterCount => waiters?.Count ?? 0;

    /// <summary>Lets waiters take what is queued (or see an error); called after the delivery is in the trace.</summary>
    public void WakeWaiters()
    {
        List<IUdpWaiter>? waiting = waiters;
        while (waiting is { Count: > 0 } && HasDataOrError)
        {
            IUdpWaiter first = waiting[0];
            if (!first.TryComplete(this))
            {
                break;
            }

            waiting.RemoveAt(0);
        }
    }

    /// <summary>Joins <paramref name="group"/> on <paramref name="adapter"/>; a second join of the same pair is AddressAlreadyInUse (Linux EADDRINUSE).</summary>
    public SocketError Join(IPAddress group, NetworkAdapter adapter)
    {
        if (!AddressRules.IsMulticast(group))
        {
            return SocketError.InvalidArgument;
        }

        memberships ??= new();
        foreach ((IPAddress g, NetworkAdapter a) in memberships)
        {
            if (g.Equals(group) && a == adapter)
            {
                return SocketError.AddressAlreadyInUse;
            }
        }

        memberships.Add((group, adapter));
        adapter.Join(group);
        return SocketError.Success;
    }

    /// <summary>Leaves <paramref name="group"/> on <paramref name="adapter"/>; not a member is AddressNotAvailable (Linux EADDRNOTAVAIL).</summary>
    public SocketError Leave(IPAddress group, NetworkAdapter adapter)
    {
        for (int i = 0; memberships is not null && i < memberships.Count; i++)
        {
            if (memberships[i].Group.Equals(group) && memberships[i].Adapter == adapter)
            {
                memberships.RemoveAt(i);
                adapter.Leave(group);
                return SocketError.Success;
            }
        }

        return SocketError.AddressNotAvailable;
    }

    /// <summary>Closes: unbinds, leaves groups, frees queued datagrams, and aborts waiters.</summary>
    public void Close(SocketError abortWith)
    {
        if (Closed)
        {
            return;
        }

        Closed = true;
        Host.Udp.Unbind(this);
        if (memberships is not null)
        {
            foreach ((IPAddress g, NetworkAdapter a) in memberships)
            {
                a.Leave(g);
            }

            memberships.Clear();
        }
        while (queue.TryDequeue(out Packet? p))
        {
            Host.Simulation.Packets.Return(p);
        }

        queuedBytes = 0;
        IUdpWaiter[] toAbort = waiters?.ToArray() ?? [];
        waiters?.Clear();
        foreach (IUdpWaiter w in toAbort)
        {
            w.Abort(abortWith);
        }
    }

    public string Describe() =>
        $"UDP socket on {Host.Name} {(IsBound ? $"{LocalAddress}:{LocalPort}" : "(unbound)")}{(IsConnected ? $" connected to {RemoteAddress}:{RemotePort}" : string.Empty)}";
}
