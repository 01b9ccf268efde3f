using System.Net;
using System.Net.Sockets;
using SimNet.Ip;
using SimNet.Topology;
using SimNet.Tracing;

namespace SimNet.Transport.Tcp;

/// <summary>
/// A host's TCP: the port table (<see cref="PortTable{T}"/>: UDP's rules, its own table so both may
/// use one port number), the connection table keyed by address and port pairs, the demultiplexer, and RST for
/// segments nobody wants. Timing constants follow Linux unless noted.
/// </summary>
/// <remarks>
/// Limitations: no TCP options (MSS comes from each side's own route MTU, no window scaling,
/// SACK or timestamps); no congestion control (the window is the smaller of the peer's receive
/// window and our send buffer); TIME_WAIT (<see cref="TimeWait"/>, 60 s) does not block Bind; accepted connections do not block binding their listener's port.
/// </remarks>
internal sealed class TcpStack : IProtocolHandler, Faults.ICrashable
{
    private readonly PortTable<TcpEndpoint> ports;
    private readonly List<TcpEndpoint> bound; // the port table's list
    private readonly Dictionary<ConnectionKey, TcpEndpoint> connections = new();

    public TcpStack(Host host)
    {
        Host = host;
        ports = new PortTable<TcpEndpoint>(host);
        bound = ports.Entries;
    }

    public Host Host { get; }

    /// <summary>SYN retransmissions before connect fails with TimedOut (Linux tcp_syn_retries: 6, about 127 s).</summary>
    public int SynRetries { get; set; } = 6;

    /// <summary>SYN-ACK retransmissions before a half-open connection is dropped (tcp_synack_retries).</summary>
    public int SynAckRetries { get; set; } = 5;

    /// <summary>Retransmissions of data or FIN before the connection fails with TimedOut (tcp_retries2: 15).</summary>
    public int DataRetries { get; set; } = 15;

    public TimeSpan InitialRto { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MinRto { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRto { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// How long a connection stays in TIME_WAIT: 60 s, as Linux. Virtual time makes the wait free, and a
    /// shorter one is shorter than a backed-off retransmission, so a lost last ACK would turn into a RST.
    /// </summary>
    public TimeSpan TimeWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long an orphaned connection (closed by its application) waits in FIN_WAIT_2 for the peer's FIN (tcp_fin_timeout).</summary>
    public TimeSpan FinWait2Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Keep-alive: idle time before the first probe, interval, and unanswered probes before TimedOut (Linux 7200 s, 75 s, 9).</summary>
    public TimeSpan KeepAliveTime { get; set; } = TimeSpan.FromSeconds(7200);

    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(75);

    public int KeepAliveProbes { get; set; } = 9;

    /// <summary>The most a listen backlog may be (net.core.somaxconn).</summary>
    public const int MaxBacklog = 4096;

    /// <summary>Linux's initial SO_RCVBUF for TCP (tcp_rmem default).</summary>
    public const int DefaultReceiveBufferSize = 131072;

    /// <summary>Linux's initial SO_SNDBUF for TCP (tcp_wmem default).</summary>
    public const int DefaultSendBufferSize = 16384;

    /// <summary>Every bound endpoint, in binding order.</summary>
    public IReadOnlyList<TcpEndpoint> Bound => bound;

    internal int ConnectionCount => connections.Count;

    /// <summary>The TCP stack of <paramref name="host"/> (every host gets one when it is made).</summary>
    public static TcpStack Of(Host host) =>
        host.Tcp as TcpStack ?? throw new InvalidOperationException($"{host.Name} has no SimNet TCP stack in Host.Tcp.");

    // ---------------------------------------------------------------- port table

    /// <summary>Binds <paramref name="endpoint"/> by the rules of <see cref="PortTable{T}"/> (the same as UDP's); port 0 draws an ephemeral port from the seed.</summary>
    public SocketError Bind(TcpEndpoint endpoint, IPAddress address, int port)
    {
        SocketError error = ports.Bind(endpoint, address, port, out int chosen);
        if (error == SocketError.Success)
        {
            endpoint.SetBinding(address, chosen);
        }

        return error;
    }

    public void Unbind(TcpEndpoint endpoint) => ports.Unbind(endpoint);

    /// <summary>Whether another socket already listens on the port <paramref name="endpoint"/> shares by SO_REUSEADDR (Linux: listen() is AddressAlreadyInUse).</summary>
    public bool ConflictsOnListen(TcpEndpoint endpoint) => ports.ConflictsOnListen(endpoint);

    // ---------------------------------------------------------------- connection table

    public void Register(TcpEndpoint endpoint) =>
        connections[new ConnectionKey(endpoint.LocalAddress!, endpoint.LocalPort, endpoint.RemoteAddress!, endpoint.RemotePort)] = endpoint;

    public void Unregister(TcpEndpoint endpoint)
    {
        var key = new ConnectionKey(endpoint.LocalAddress!, endpoint.LocalPort, endpoint.RemoteAddress!, endpoint.RemotePort);
        if (connections.TryGetValue(key, out TcpEndpoint? found) && found == endpoint)
        {
            connections.Remove(key);
        }
    }

    /// <summary>The connection with these addresses and ports, if any.</summary>
    internal TcpEndpoint? Find(IPAddress local, int localPort, IPAddress remote, int remotePort) =>
        connections.TryGetValue(new ConnectionKey(local, localPort, remote, remotePort), out TcpEndpoint? e) ? e : null;

    /// <summary>Every connection, in creation order (not the table's hash order).</summary>
    internal List<TcpEndpoint> ConnectionsInOrder()
    {
        var all = new List<TcpEndpoint>(connections.Values);
        all.Sort((x, y) => x.Number.CompareTo(y.Number));
        return all;
    }

    public bool IsConnectionInUse(IPAddress local, int localPort, IPAddress remote, int remotePort) =>
        connections.ContainsKey(new ConnectionKey(local, localPort, remote, remotePort));

    // ---------------------------------------------------------------- demultiplexing

    /// <summary>A segment addressed to this host: to its connection, else to a listener, else answered with RST.</summary>
    public void Deliver(Packet packet)
    {
        if (connections.TryGetValue(new ConnectionKey(packet.Destination, packet.DestinationPort, packet.Source, packet.SourcePort), out TcpEndpoint? connection))
        {
            connection.OnSegment(packet);
            return;
        }

        TcpEndpoint? listener = FindListener(packet.Destination, packet.DestinationPort);
        if (listener is not null)
        {
            listener.OnSegmentAtListener(packet);
            return;
        }

        Refuse(packet, DropReason.NoConnection);
    }

    /// <summary>The listener for a SYN: an exact address beats a wildcard; among equals, the earliest bound.</summary>
    private TcpEndpoint? FindListener(IPAddress destination, int port)
    {
        TcpEndpoint? best = null;
        for (int i = 0; i < bound.Count; i++)
        {
            TcpEndpoint s = bound[i];
            if (s.State != TcpState.Listen || s.LocalPort != port || !s.Accepts(destination))
            {
                continue;
            }

            if (best is null || (AddressRules.IsAny(best.BoundAddress!) && !AddressRules.IsAny(s.BoundAddress!)))
            {
                best = s;
            }
        }

        return best;
    }

    /// <summary>Answers a segment nobody wants with RST (never a RST to a RST), then drops it with <paramref name="reason"/>.</summary>
    public void Refuse(Packet packet, DropReason reason)
    {
        if ((packet.TcpFlags & TcpFlags.Rst) == 0)
        {
            if ((packet.TcpFlags & TcpFlags.Ack) != 0)
            {
                SendReset(packet.Destination, packet.DestinationPort, packet.Source, packet.SourcePort, packet.Acknowledgment, 0, TcpFlags.Rst);
            }
            else
            {
                uint length = (uint)packet.Length + ((packet.TcpFlags & TcpFlags.Syn) != 0 ? 1u : 0u) + ((packet.TcpFlags & TcpFlags.Fin) != 0 ? 1u : 0u);
                SendReset(packet.Destination, packet.DestinationPort, packet.Source, packet.SourcePort, 0, packet.Sequence + length, TcpFlags.Rst | TcpFlags.Ack);
            }
        }

        Host.Simulation.Drop(packet, Host, packet.ArrivedOn, reason);
    }

    public void SendReset(IPAddress from, int fromPort, IPAddress to, int toPort, uint sequence, uint acknowledgment, byte flags)
    {
        Packet rst = Host.Simulation.Packets.Rent(0);
        rst.Sequence = sequence;
        rst.Acknowledgment = acknowledgment;
        rst.TcpFlags = flags;
        Transmit(rst, from, fromPort, to, toPort);
    }

    /// <summary>Addresses and sends a segment; a crashed host or a missing route sends nothing (the retransmission timer tries again).</summary>
    public void Transmit(Packet segment, IPAddress from, int fromPort, IPAddress to, int toPort) =>
        Transmit(segment, Host.Route(to, from, 0), fromPort, to, toPort);

    /// <summary>Like the overload above, with the route already decided (a connection reuses its decision while the topology stands).</summary>
    public void Transmit(Packet segment, in RouteDecision route, int fromPort, IPAddress to, int toPort)
    {
        Simulation sim = Host.Simulation;
        if (!Host.IsUp || route.Error != SocketError.Success)
        {
            sim.Packets.Return(segment);
            return;
        }

        segment.Protocol = IpProtocol.Tcp;
        segment.Source = route.Source!;
        segment.SourcePort = fromPort;
        segment.Destination = to;
        segment.DestinationPort = toPort;
        segment.Ttl = 64;
        Host.Send(segment, route);
    }

    /// <summary>ICMP errors about TCP are soft errors on Linux: connections carry on and retransmit.</summary>
    public int ReportIcmp(Packet icmp) => 0;

    /// <summary>The host crashed (<see cref="Host.Crash"/>): every connection and binding vanishes without a word on the wire; peers find out by timeout, or by the RST a restarted host sends.</summary>
    public void Crash()
    {
        var all = new List<TcpEndpoint>(bound);
        foreach (TcpEndpoint e in connections.Values)
        {
            if (!all.Contains(e))
            {
                all.Add(e);
            }
        }

        all.Sort((x, y) => x.Number.CompareTo(y.Number));
        foreach (TcpEndpoint e in all)
        {
            e.Vanish();
        }

        ports.Clear();
        connections.Clear();
    }

    private long nextNumber;

    /// <summary>A creation number for ordering endpoints without hashing.</summary>
    internal long NextNumber() => ++nextNumber;

    private readonly record struct ConnectionKey(IPAddress Local, int LocalPort, IPAddress Remote, int RemotePort);
}
