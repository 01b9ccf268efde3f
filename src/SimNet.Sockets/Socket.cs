using System.Net;
using System.Net.Sockets;
using SimNet.Transport;
using SimNet.Transport.Sockets;
using SimNet.Transport.Tcp;
using SimNet.Topology;

namespace SimNet.Sockets;

/// <summary>
/// A socket on a simulated host, with the members and semantics of <see cref="System.Net.Sockets.Socket"/>
/// as it behaves on Linux (see README, "Which OS SimNet follows").
/// </summary>
/// <remarks>
/// <para>A socket belongs to a host: pass it, or create the socket inside code running on a host
/// (<see cref="Host.Run(Func{Task})"/>, <see cref="Simulation.Spawn"/>) with the real constructors.</para>
/// <para>A blocking call on the thread that drives the simulation (or when nothing drives it) runs
/// the simulation until the call can complete, its virtual timeout passes, or nothing is left that
/// could complete it; then it throws <see cref="SimulationDeadlockException"/>, which says what was
/// waiting (deliberately not a <see cref="SocketException"/>, so socket retry loops do not swallow it).</para>
/// </remarks>
public sealed partial class Socket : IDisposable
{
    private const SocketFlags SupportedReceiveFlags = SocketFlags.Peek;
    private const SocketFlags SupportedSendFlags = SocketFlags.DontRoute;

    private readonly Simulation sim;

    // The protocol, chosen once here (and in the accepted-connection constructor): every public member
    // makes one virtual call on it instead of branching. Its kernel side (core) takes the world's lock; this class never does.
    private readonly SocketProtocol protocol;
    private readonly SocketCore core;

    // The raw sa_family bytes that SocketAddress.Family reported as this socket's family (see IsOwnFamily).
    private ushort ownFamilyRaw;
    private bool ownFamilyRawKnown;

    private volatile bool disposed;
    private int disposedFlag;
    private bool blocking = true;
    private int receiveTimeout;
    private int sendTimeout;

    /// <summary>Creates a socket on <paramref name="host"/>.</summary>
    /// <exception cref="SocketException">The family, type or protocol is not supported (AddressFamilyNotSupported, ProtocolNotSupported, ProtocolType, SocketNotSupported).</exception>
    public Socket(Host host, AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType)
    {
        ArgumentNullException.ThrowIfNull(host);
        Host = host;
        sim = host.Simulation;
        if (addressFamily != AddressFamily.InterNetwork && addressFamily != AddressFamily.InterNetworkV6)
        {
            throw SocketErrors.Exception(SocketError.AddressFamilyNotSupported, $"SimNet sockets are InterNetwork or InterNetworkV6, not {addressFamily}.");
        }

        AddressFamily = addressFamily;
        SocketType = socketType;
        ProtocolType = protocolType;
        if (socketType == SocketType.Dgram && protocolType is ProtocolType.Udp or ProtocolType.Unspecified)
        {
            ProtocolType = ProtocolType.Udp;
            protocol = new UdpProtocol(this, host, addressFamily);
            core = protocol.Core;
            return;
        }

        if (socketType == SocketType.Stream && protocolType is ProtocolType.Tcp or ProtocolType.Unspecified)
        {
            ProtocolType = ProtocolType.Tcp;
            protocol = new TcpProtocol(this, host, addressFamily);
            core = protocol.Core;
            return;
        }

        if (socketType == SocketType.Dgram && protocolType == ProtocolType.Tcp)
        {
            throw SocketErrors.Exception(SocketError.ProtocolType, "TCP is not a datagram protocol.");
        }

        throw SocketErrors.Exception(
            socketType is SocketType.Dgram or SocketType.Stream ? SocketError.ProtocolNotSupported : SocketError.SocketNotSupported,
            $"{socketType}/{protocolType} is not supported by SimNet.");
    }

    /// <summary>Creates a socket on the host whose code is running (<see cref="Host.Current"/>).</summary>
    /// <exception cref="InvalidOperationException">No simulated host is running this code.</exception>
    public Socket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType)
        : this(CurrentHost(), addressFamily, socketType, protocolType)
    {
    }

    /// <summary>Creates a dual-mode IPv6 socket on the current host, as the real two-argument constructor does.</summary>
    public Socket(SocketType socketType, ProtocolType protocolType)
        : this(CurrentHost(), socketType, protocolType)
    {
    }

    /// <summary>Creates a dual-mode IPv6 socket on <paramref name="host"/>.</summary>
    public Socket(Host host, SocketType socketType, ProtocolType protocolType)
        : this(host, AddressFamily.InterNetworkV6, socketType, protocolType)
    {
        DualMode = true;
    }

    internal static Host CurrentHost() =>
        Host.Current ?? throw new InvalidOperationException(
            "No simulated host is running this code: create the socket inside host.Run(...) or Simulation.Spawn(host, ...), or pass the host to the constructor.");

    /// <summary>The host the socket lives on.</summary>
    public Host Host { get; }

    /// <summary>The address family.</summary>
    public AddressFamily AddressFamily { get; }

    /// <summary>The socket type.</summary>
    public SocketType SocketType { get; }

    /// <summary>The protocol.</summary>
    public ProtocolType ProtocolType { get; }

    /// <summary>Whether the socket is bound to a local endpoint; for UDP, like the real socket (measured), it stays true after Dispose.</summary>
    public bool IsBound => protocol.IsBound;

    /// <summary>For UDP, whether a default remote endpoint is set. False after dispose.</summary>
    public bool Connected => !disposed && protocol.Connected;

    /// <summary>The bound local endpoint, or null.</summary>
    public EndPoint? LocalEndPoint
    {
        get
        {
            ThrowIfDisposed();
            return protocol.LocalEndPoint;
        }
    }

    /// <summary>The connected remote endpoint, or null.</summary>
    public EndPoint? RemoteEndPoint
    {
        get
        {
            ThrowIfDisposed();
            return protocol.RemoteEndPoint;
        }
    }

    /// <summary>Bytes of the next datagram (Linux reports the first datagram only; Windows the total).</summary>
    public int Available
    {
        get
        {
            ThrowIfDisposed();
            return protocol.Available;
        }
    }

    /// <summary>Whether calls block (true by default). A non-blocking receive with nothing queued fails with WouldBlock.</summary>
    public bool Blocking
    {
        get => blocking;
        set
        {
            ThrowIfDisposed();
            blocking = value;
        }
    }

    /// <summary>How long a blocking receive waits, in milliseconds of virtual time; 0 or -1 waits forever. The wait ends with TimedOut.</summary>
    public int ReceiveTimeout
    {
        get
        {
            ThrowIfDisposed();
            return receiveTimeout;
        }

        set
        {
            ThrowIfDisposed();
            ArgumentOutOfRangeException.ThrowIfLessThan(value, -1);
            receiveTimeout = value == -1 ? 0 : value;
        }
    }

    /// <summary>How long a blocking send waits, in milliseconds of virtual time. UDP sends never wait in SimNet.</summary>
    public int SendTimeout
    {
        get
        {
            ThrowIfDisposed();
            return sendTimeout;
        }

        set
        {
            ThrowIfDisposed();
            ArgumentOutOfRangeException.ThrowIfLessThan(value, -1);
            sendTimeout = value == -1 ? 0 : value;
        }
    }

    /// <summary>Binds to a local endpoint; port 0 draws a deterministic ephemeral port from the seed.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="localEP"/> is null.</exception>
    /// <exception cref="SocketException">AddressAlreadyInUse, AddressNotAvailable, InvalidArgument (already bound), AddressFamilyNotSupported.</exception>
    public void Bind(EndPoint localEP)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(localEP);
        protocol.Bind(ToIPEndPoint(localEP, nameof(localEP), SocketError.InvalidArgument));
    }

    /// <summary>Stops sending, receiving or both. On an unconnected UDP socket this fails with NotConnected, as on Linux.</summary>
    public void Shutdown(SocketShutdown how)
    {
        ThrowIfDisposed();
        protocol.Shutdown(how);
    }

    /// <summary>Listening is for stream sockets: UDP fails with OperationNotSupported.</summary>
    public void Listen() => Listen(int.MaxValue);

    /// <summary>Listening is for stream sockets: UDP fails with OperationNotSupported.</summary>
    public void Listen(int backlog)
    {
        ThrowIfDisposed();
        protocol.Listen(backlog);
    }

    /// <summary>Closes the socket: pending async operations end with OperationAborted, a blocked receive with Interrupted.</summary>
    public void Close() => Dispose();

    /// <summary>Closes the socket; the timeout matters only for stream sockets with unsent data.</summary>
    public void Close(int timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, -1);
        if (!disposed)
        {
            protocol.SetCloseTimeout(timeout);
        }

        Dispose();
    }

    /// <summary>Closes the socket. Calling it twice is fine.</summary>
    public void Dispose()
    {
        protocol.Linger();
        if (Interlocked.Exchange(ref disposedFlag, 1) != 0)
        {
            return;
        }

        core.Close(this, static s => s.disposed = true); // one hold of the lock: no kernel event sees the socket disposed but open
        sim.WakeDriver();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    /// <summary>Checks an endpoint the way the runtime does: DnsEndPoint rejected here, the family must fit (a dual-mode socket maps IPv4).</summary>
    /// <param name="endPoint">The endpoint given.</param>
    /// <param name="paramName">The parameter it came in.</param>
    /// <param name="ipv4OnIPv6Only">
    /// What an IPv4 endpoint on an IPv6 socket without DualMode fails with. The runtime maps it to
    /// ::ffff:a.b.c.d and lets the kernel answer, which differs by call (measured): bind EINVAL,
    /// sendto ENETUNREACH, connect EAFNOSUPPORT.
    /// </param>
    private IPEndPoint ToIPEndPoint(EndPoint endPoint, string paramName, SocketError ipv4OnIPv6Only = SocketError.AddressFamilyNotSupported)
    {
        if (endPoint is DnsEndPoint)
        {
            throw new ArgumentException($"The parameter {paramName} must not be of type DnsEndPoint.", paramName);
        }

        IPEndPoint ip = endPoint as IPEndPoint ?? FromSerialized(endPoint);
        if (ip.AddressFamily == AddressFamily)
        {
            return ip;
        }

        if (AddressFamily == AddressFamily.InterNetworkV6 && ip.AddressFamily == AddressFamily.InterNetwork && DualMode)
        {
            return new IPEndPoint(ip.Address.MapToIPv6(), ip.Port);
        }

        SocketError error = AddressFamily == AddressFamily.InterNetworkV6 ? ipv4OnIPv6Only : SocketError.AddressFamilyNotSupported;
        throw SocketErrors.Exception(error, $"{ip} is {ip.AddressFamily} but the socket is {AddressFamily}{(AddressFamily == AddressFamily.InterNetworkV6 ? " without DualMode" : string.Empty)}.");
    }

    /// <summary>
    /// An endpoint type of the application's own: the runtime sends the kernel what it serializes to,
    /// so an IP family's bytes are read as the IPEndPoint they encode; another family is
    /// AddressFamilyNotSupported, as the kernel answers.
    /// </summary>
    private static IPEndPoint FromSerialized(EndPoint endPoint)
    {
        if (endPoint.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw SocketErrors.Exception(SocketError.AddressFamilyNotSupported, $"{endPoint.GetType().Name} is of family {endPoint.AddressFamily}; the socket takes IP endpoints.");
        }

        SocketAddress raw = endPoint.Serialize();
        var template = new IPEndPoint(endPoint.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        return (IPEndPoint)template.Create(raw);
    }

    private long DeadlineFor(int timeoutMilliseconds) =>
        timeoutMilliseconds > 0 ? sim.Clock.NowTicks + (timeoutMilliseconds * TimeSpan.TicksPerMillisecond) : long.MaxValue;

    /// <summary>
    /// Who sent <paramref name="d"/>; a receive that ended with no datagram (the receive side shut down)
    /// reports the family's wildcard, port 0 (measured: the kernel returns an empty address).
    /// </summary>
    private IPEndPoint RemoteFor(in ReceivedDatagram d) =>
        d.Source is not null ? RemoteFor(d.Source, d.SourcePort)
        : new IPEndPoint(AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);

    /// <summary>
    /// As <see cref="RemoteFor(in ReceivedDatagram)"/>, but the endpoint the caller passed in when the datagram
    /// came from it (the runtime also hands back the given endpoint when the received address equals it),
    /// so a ping-pong between two peers allocates no endpoint per datagram.
    /// </summary>
    private EndPoint RemoteFor(in ReceivedDatagram d, EndPoint? given)
    {
        if (d.Source is not null && given is IPEndPoint ip && ip.Port == d.SourcePort && ip.GetType() == typeof(IPEndPoint))
        {
            IPAddress source = d.Source;
            if (ip.Address.Equals(source)
                || (AddressFamily == AddressFamily.InterNetworkV6 && source.AddressFamily == AddressFamily.InterNetwork
                    && ip.Address.IsIPv4MappedToIPv6 && ip.Address.MapToIPv4().Equals(source)))
            {
                return ip;
            }
        }

        return RemoteFor(d);
    }

    /// <summary>The endpoint a datagram came from, as this socket reports it (IPv4-mapped on a dual-mode socket).</summary>
    private IPEndPoint RemoteFor(IPAddress source, int port) =>
        AddressFamily == AddressFamily.InterNetworkV6 && source.AddressFamily == AddressFamily.InterNetwork
            ? new IPEndPoint(source.MapToIPv6(), port)
            : new IPEndPoint(source, port);

    /// <inheritdoc />
    public override string ToString() => core.Describe();

    /// <summary>
    /// Whether <paramref name="address"/> is of this socket's family. <see cref="SocketAddress.Family"/>
    /// asks the native layer on every read; the raw family bytes it once mapped to this socket's family
    /// answer the same without it, so a send or receive loop makes no native call.
    /// </summary>
    private bool IsOwnFamily(SocketAddress address)
    {
        ReadOnlySpan<byte> raw = address.Buffer.Span;
        ushort rawFamily = raw.Length >= 2 ? System.Runtime.InteropServices.MemoryMarshal.Read<ushort>(raw) : (ushort)0;
        if (ownFamilyRawKnown && rawFamily == ownFamilyRaw && raw.Length >= 2)
        {
            return true;
        }

        if (address.Family != AddressFamily)
        {
            return false;
        }

        ownFamilyRaw = rawFamily;
        ownFamilyRawKnown = raw.Length >= 2;
        return true;
    }

    /// <summary>The size of this socket's family's sockaddr: 16 (sockaddr_in) or 28 (sockaddr_in6).</summary>
    private int SocketAddressSize => AddressFamily == AddressFamily.InterNetwork ? 16 : 28;

    private void WriteSocketAddress(SocketAddress target, IPAddress source, int port)
    {
        Span<byte> raw = target.Buffer.Span;
        raw[2] = (byte)(port >> 8);
        raw[3] = (byte)port;
        if (AddressFamily == AddressFamily.InterNetwork)
        {
            source.TryWriteBytes(raw.Slice(4, 4), out _);
            target.Size = 16;
            return;
        }

        raw.Slice(4, 4).Clear();
        if (source.AddressFamily == AddressFamily.InterNetwork)
        {
            raw.Slice(8, 10).Clear();
            raw[18] = 0xFF;
            raw[19] = 0xFF;
            source.TryWriteBytes(raw.Slice(20, 4), out _);
        }
        else
        {
            source.TryWriteBytes(raw.Slice(8, 16), out _);
        }

        raw.Slice(24, 4).Clear();
        target.Size = 28;
    }

    private static void ValidateBuffer(byte[] buffer, int offset, int size)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, buffer.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, buffer.Length - offset);
    }

    private static void ValidateFlags(SocketFlags flags, SocketFlags supported)
    {
        if ((flags & ~supported) != 0)
        {
            throw SocketErrors.Exception(SocketError.OperationNotSupported, $"SocketFlags {flags & ~supported} are not supported on a datagram socket.");
        }
    }

    private void ValidateRemoteEndPoint(EndPoint remoteEP)
    {
        ArgumentNullException.ThrowIfNull(remoteEP);
        if (remoteEP.AddressFamily != AddressFamily && !(DualMode && remoteEP.AddressFamily == AddressFamily.InterNetwork))
        {
            throw new ArgumentException($"The AddressFamily {remoteEP.AddressFamily} is not valid for the {remoteEP.GetType().Name} end point, use {AddressFamily} instead.", nameof(remoteEP));
        }
    }

    /// <summary>Wraps a connection a listener accepted.</summary>
    private Socket(Socket listener, TcpEndpoint accepted)
    {
        Host = listener.Host;
        sim = listener.sim;
        AddressFamily = listener.AddressFamily;
        SocketType = SocketType.Stream;
        ProtocolType = ProtocolType.Tcp;
        protocol = new TcpProtocol(this, Host, accepted);
        core = protocol.Core;
    }

    /// <summary>Whether <paramref name="address"/> can be connected to from this socket (its family, or IPv4 on a dual-mode socket).</summary>
    private bool IsOwnFamily(IPAddress address) =>
        address.AddressFamily == AddressFamily || (DualMode && address.AddressFamily == AddressFamily.InterNetwork);

    /// <summary>What connecting to a list with no address of the socket's family fails with.</summary>
    private SocketException NoAddressOfFamily() =>
        SocketErrors.Exception(SocketError.AddressFamilyNotSupported, $"None of the addresses is of the socket's family {AddressFamily}.");
}
