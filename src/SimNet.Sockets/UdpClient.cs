using System.Net;
using System.Net.Sockets;
using SimNet.Topology;

namespace SimNet.Sockets;

/// <summary>
/// UDP convenience client with the shape of <see cref="System.Net.Sockets.UdpClient"/>, over a SimNet <see cref="Socket"/>.
/// </summary>
public sealed class UdpClient : IDisposable
{
    private readonly AddressFamily family;
    private bool active;
    private byte[] receiveBuffer = new byte[UdpMaxDatagram];

    private const int UdpMaxDatagram = 65536;

    /// <summary>An IPv4 client on the current host, not bound until first used.</summary>
    public UdpClient()
        : this(Socket.CurrentHost(), AddressFamily.InterNetwork)
    {
    }

    /// <summary>A client of <paramref name="family"/> on the current host.</summary>
    public UdpClient(AddressFamily family)
        : this(Socket.CurrentHost(), family)
    {
    }

    /// <summary>An IPv4 client on the current host bound to <paramref name="port"/> on all addresses.</summary>
    public UdpClient(int port)
        : this(Socket.CurrentHost(), port, AddressFamily.InterNetwork)
    {
    }

    /// <summary>A client on the current host bound to <paramref name="port"/>.</summary>
    public UdpClient(int port, AddressFamily family)
        : this(Socket.CurrentHost(), port, family)
    {
    }

    /// <summary>A client on the current host bound to <paramref name="localEP"/>.</summary>
    public UdpClient(IPEndPoint localEP)
        : this(Socket.CurrentHost(), localEP)
    {
    }

    /// <summary>A client on the current host connected to <paramref name="hostname"/>:<paramref name="port"/>.</summary>
    public UdpClient(string hostname, int port)
        : this(Socket.CurrentHost(), hostname, port)
    {
    }

    /// <summary>A client of <paramref name="family"/> on <paramref name="host"/>, not bound until first used.</summary>
    public UdpClient(Host host, AddressFamily family = AddressFamily.InterNetwork)
    {
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"UdpClient supports InterNetwork and InterNetworkV6, not {family}.", nameof(family));
        }

        this.family = family;
        Client = new Socket(host, family, SocketType.Dgram, ProtocolType.Udp);
    }

    /// <summary>A client on <paramref name="host"/> bound to <paramref name="port"/> on all addresses.</summary>
    public UdpClient(Host host, int port, AddressFamily family = AddressFamily.InterNetwork)
        : this(host, family)
    {
        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "The port must be between 0 and 65535.");
        }

        Client.Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, port));
    }

    /// <summary>A client on <paramref name="host"/> bound to <paramref name="localEP"/>.</summary>
    public UdpClient(Host host, IPEndPoint localEP)
        : this(host, (localEP ?? throw new ArgumentNullException(nameof(localEP))).AddressFamily)
    {
        Client.Bind(localEP);
    }

    /// <summary>A client on <paramref name="host"/> connected to <paramref name="hostname"/>:<paramref name="port"/>.</summary>
    public UdpClient(Host host, string hostname, int port)
        : this(host, AddressFamily.InterNetwork)
    {
        Connect(hostname, port);
    }

    /// <summary>The underlying socket.</summary>
    public Socket Client { get; }

    /// <summary>Whether a default remote host was set.</summary>
    public bool Active => active;

    /// <summary>Bytes of the next datagram.</summary>
    public int Available => Client.Available;

    /// <summary>SO_BROADCAST.</summary>
    public bool EnableBroadcast
    {
        get => Client.EnableBroadcast;
        set => Client.EnableBroadcast = value;
    }

    /// <summary>Whether the port may not be shared.</summary>
    public bool ExclusiveAddressUse
    {
        get => Client.ExclusiveAddressUse;
        set => Client.ExclusiveAddressUse = value;
    }

    /// <summary>IP_MULTICAST_LOOP.</summary>
    public bool MulticastLoopback
    {
        get => Client.MulticastLoopback;
        set => Client.MulticastLoopback = value;
    }

    /// <summary>Unicast TTL.</summary>
    public short Ttl
    {
        get => Client.Ttl;
        set => Client.Ttl = value;
    }

    /// <summary>Don't fragment.</summary>
    public bool DontFragment
    {
        get => Client.DontFragment;
        set => Client.DontFragment = value;
    }

    /// <summary>Sets the default remote host.</summary>
    public void Connect(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        Client.Connect(endPoint);
        active = true;
    }

    /// <summary>Sets the default remote host.</summary>
    public void Connect(IPAddress addr, int port)
    {
        ArgumentNullException.ThrowIfNull(addr);
        Client.Connect(addr, port);
        active = true;
    }

    /// <summary>Resolves <paramref name="hostname"/> and sets the default remote host.</summary>
    public void Connect(string hostname, int port)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        Client.Connect(hostname, port);
        active = true;
    }

    /// <summary>Sends to the default remote host.</summary>
    /// <exception cref="InvalidOperationException">No default remote host was set with Connect (measured on the real UdpClient).</exception>
    public int Send(byte[] dgram, int bytes)
    {
        ArgumentNullException.ThrowIfNull(dgram);
        ThrowIfNotConnected();
        return Client.Send(dgram, 0, bytes, SocketFlags.None);
    }

    private void ThrowIfNotConnected()
    {
        if (!active)
        {
            throw new InvalidOperationException("The operation is not allowed on non-connected sockets.");
        }
    }

    /// <summary>Sends to <paramref name="endPoint"/>, or to the default remote host when it is null.</summary>
    /// <exception cref="InvalidOperationException">Both an endpoint and a default remote host were given.</exception>
    public int Send(byte[] dgram, int bytes, IPEndPoint? endPoint)
    {
        ArgumentNullException.ThrowIfNull(dgram);
        return Send(dgram.AsSpan(0, bytes), endPoint);
    }

    /// <summary>Resolves <paramref name="hostname"/> and sends to it.</summary>
    public int Send(byte[] dgram, int bytes, string? hostname, int port)
    {
        ArgumentNullException.ThrowIfNull(dgram);
        if (hostname is null)
        {
            return Send(dgram, bytes, (IPEndPoint?)null);
        }

        Task<IPAddress[]> lookup = Client.Host.Resolver.GetHostAddressesAsync(hostname, family);
        Client.Host.Simulation.WaitUntil(static t => t.IsCompleted, lookup, long.MaxValue, static _ => "resolving a host name for UdpClient.Send");
        return Send(dgram, bytes, new IPEndPoint(lookup.GetAwaiter().GetResult()[0], port));
    }

    /// <summary>Sends to the default remote host.</summary>
    /// <exception cref="InvalidOperationException">No default remote host was set with Connect.</exception>
    public int Send(ReadOnlySpan<byte> datagram)
    {
        ThrowIfNotConnected();
        return Client.Send(datagram);
    }

    /// <summary>Sends to <paramref name="endPoint"/>, or to the default remote host when it is null.</summary>
    public int Send(ReadOnlySpan<byte> datagram, IPEndPoint? endPoint)
    {
        if (endPoint is null)
        {
            return Client.Send(datagram);
        }

        if (active)
        {
            throw new InvalidOperationException("Cannot send to an arbitrary endpoint once a default remote host is established.");
        }

        return Client.SendTo(datagram, endPoint);
    }

    /// <summary>Sends to the default remote host.</summary>
    public Task<int> SendAsync(byte[] datagram, int bytes) => Task.FromResult(Send(datagram, bytes));

    /// <summary>Sends to <paramref name="endPoint"/>.</summary>
    public Task<int> SendAsync(byte[] datagram, int bytes, IPEndPoint? endPoint) => Task.FromResult(Send(datagram, bytes, endPoint));

    /// <summary>Sends to the default remote host, or to <paramref name="endPoint"/>.</summary>
    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> datagram, IPEndPoint? endPoint, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        return new ValueTask<int>(Send(datagram.Span, endPoint));
    }

    /// <summary>Sends to the default remote host.</summary>
    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default) =>
        SendAsync(datagram, null, cancellationToken);

    /// <summary>Receives a datagram (blocking) and who sent it.</summary>
    public byte[] Receive(ref IPEndPoint? remoteEP)
    {
        EndPoint from = new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        int n = Client.ReceiveFrom(receiveBuffer, ref from);
        remoteEP = (IPEndPoint)from;
        return receiveBuffer.AsSpan(0, n).ToArray();
    }

    /// <summary>Receives a datagram.</summary>
    public Task<UdpReceiveResult> ReceiveAsync() => ReceiveAsync(CancellationToken.None).AsTask();

    /// <summary>Receives a datagram.</summary>
    public async ValueTask<UdpReceiveResult> ReceiveAsync(CancellationToken cancellationToken)
    {
        var any = new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        SocketReceiveFromResult r = await Client.ReceiveFromAsync(receiveBuffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
        return new UdpReceiveResult(receiveBuffer.AsSpan(0, r.ReceivedBytes).ToArray(), (IPEndPoint)r.RemoteEndPoint);
    }

    /// <summary>Joins <paramref name="multicastAddr"/> on the adapter the route picks.</summary>
    public void JoinMulticastGroup(IPAddress multicastAddr)
    {
        ArgumentNullException.ThrowIfNull(multicastAddr);
        if (family == AddressFamily.InterNetwork)
        {
            Client.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(multicastAddr));
        }
        else
        {
            Client.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(multicastAddr));
        }
    }

    /// <summary>Joins <paramref name="multicastAddr"/> on the adapter with <paramref name="ifindex"/>; IPv6 clients only, as in the runtime.</summary>
    /// <exception cref="SocketException">OperationNotSupported on an IPv4 client (measured).</exception>
    public void JoinMulticastGroup(int ifindex, IPAddress multicastAddr)
    {
        ArgumentNullException.ThrowIfNull(multicastAddr);
        ArgumentOutOfRangeException.ThrowIfNegative(ifindex);
        ThrowIfNotIPv6("joining a group by interface index");
        Client.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(multicastAddr, ifindex));
    }

    private void ThrowIfNotIPv6(string what)
    {
        if (family != AddressFamily.InterNetworkV6)
        {
            throw SocketErrors.Exception(SocketError.OperationNotSupported, $"{what} is for IPv6 UdpClients; an IPv4 client joins with a local address.");
        }
    }

    /// <summary>Joins <paramref name="multicastAddr"/> on the adapter that has <paramref name="localAddress"/>.</summary>
    public void JoinMulticastGroup(IPAddress multicastAddr, IPAddress localAddress)
    {
        ArgumentNullException.ThrowIfNull(multicastAddr);
        ArgumentNullException.ThrowIfNull(localAddress);
        Client.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(multicastAddr, localAddress));
    }

    /// <summary>Joins <paramref name="multicastAddr"/> and sets the multicast TTL.</summary>
    public void JoinMulticastGroup(IPAddress multicastAddr, int timeToLive)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timeToLive);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeToLive, 255);
        JoinMulticastGroup(multicastAddr);
        Client.SetSocketOption(family == AddressFamily.InterNetwork ? SocketOptionLevel.IP : SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, timeToLive);
    }

    /// <summary>Leaves <paramref name="multicastAddr"/>.</summary>
    public void DropMulticastGroup(IPAddress multicastAddr)
    {
        ArgumentNullException.ThrowIfNull(multicastAddr);
        if (family == AddressFamily.InterNetwork)
        {
            Client.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.DropMembership, new MulticastOption(multicastAddr));
        }
        else
        {
            Client.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.DropMembership, new IPv6MulticastOption(multicastAddr));
        }
    }

    /// <summary>Leaves <paramref name="multicastAddr"/> on the adapter with <paramref name="ifindex"/>; IPv6 clients only, as in the runtime.</summary>
    /// <exception cref="SocketException">OperationNotSupported on an IPv4 client (measured).</exception>
    public void DropMulticastGroup(IPAddress multicastAddr, int ifindex)
    {
        ArgumentNullException.ThrowIfNull(multicastAddr);
        ThrowIfNotIPv6("leaving a group by interface index");
        Client.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.DropMembership, new IPv6MulticastOption(multicastAddr, ifindex));
    }

    /// <summary>Closes the client and its socket.</summary>
    public void Close() => Dispose();

    /// <summary>Closes the client and its socket.</summary>
    public void Dispose()
    {
        Client.Dispose();
        receiveBuffer = Array.Empty<byte>();
    }
}
