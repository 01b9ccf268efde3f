using System.Net;
using System.Net.Sockets;
using SimNet.Topology;

namespace SimNet.Sockets;

/// <summary>A TCP client with the shape of <see cref="System.Net.Sockets.TcpClient"/>, over a SimNet <see cref="Socket"/>.</summary>
public sealed class TcpClient : IDisposable
{
    private readonly AddressFamily family;
    private NetworkStream? stream;
    private bool disposed;

    /// <summary>An IPv4 client on the current host.</summary>
    public TcpClient()
        : this(Socket.CurrentHost(), AddressFamily.InterNetwork)
    {
    }

    /// <summary>A client of <paramref name="family"/> on the current host.</summary>
    public TcpClient(AddressFamily family)
        : this(Socket.CurrentHost(), family)
    {
    }

    /// <summary>A client on the current host bound to <paramref name="localEP"/>.</summary>
    public TcpClient(IPEndPoint localEP)
        : this(Socket.CurrentHost(), localEP)
    {
    }

    /// <summary>A client on the current host connected to <paramref name="hostname"/>:<paramref name="port"/> (blocking in virtual time).</summary>
    public TcpClient(string hostname, int port)
        : this(Socket.CurrentHost(), hostname, port)
    {
    }

    /// <summary>A client of <paramref name="family"/> on <paramref name="host"/>.</summary>
    public TcpClient(Host host, AddressFamily family = AddressFamily.InterNetwork)
    {
        if (family is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"TcpClient supports InterNetwork and InterNetworkV6, not {family}.", nameof(family));
        }

        this.family = family;
        Client = new Socket(host, family, SocketType.Stream, ProtocolType.Tcp);
    }

    /// <summary>A client on <paramref name="host"/> bound to <paramref name="localEP"/>.</summary>
    public TcpClient(Host host, IPEndPoint localEP)
        : this(host, (localEP ?? throw new ArgumentNullException(nameof(localEP))).AddressFamily)
    {
        Client.Bind(localEP);
    }

    /// <summary>A client on <paramref name="host"/> connected to <paramref name="hostname"/>:<paramref name="port"/>.</summary>
    public TcpClient(Host host, string hostname, int port)
        : this(host, AddressFamily.InterNetwork)
    {
        Connect(hostname, port);
    }

    /// <summary>Wraps an accepted socket.</summary>
    internal TcpClient(Socket accepted)
    {
        Client = accepted;
        family = accepted.AddressFamily;
        Active = true;
    }

    /// <summary>The socket underneath.</summary>
    public Socket Client { get; set; }

    /// <summary>Whether a connection was made (set by Connect and by the listener).</summary>
    private bool Active { get; set; }

    /// <summary>Whether the socket is connected, as of its last operation.</summary>
    public bool Connected => !disposed && Client.Connected;

    /// <summary>Bytes waiting to be read.</summary>
    public int Available => Client.Available;

    /// <summary>Whether the port may not be shared.</summary>
    public bool ExclusiveAddressUse
    {
        get => Client.ExclusiveAddressUse;
        set => Client.ExclusiveAddressUse = value;
    }

    /// <summary>TCP_NODELAY: send small writes at once instead of waiting for the previous one's ACK (Nagle).</summary>
    public bool NoDelay
    {
        get => Client.NoDelay;
        set => Client.NoDelay = value;
    }

    /// <summary>SO_RCVBUF.</summary>
    public int ReceiveBufferSize
    {
        get => Client.ReceiveBufferSize;
        set => Client.ReceiveBufferSize = value;
    }

    /// <summary>SO_SNDBUF.</summary>
    public int SendBufferSize
    {
        get => Client.SendBufferSize;
        set => Client.SendBufferSize = value;
    }

    /// <summary>Receive time-out in milliseconds of virtual time.</summary>
    public int ReceiveTimeout
    {
        get => Client.ReceiveTimeout;
        set => Client.ReceiveTimeout = value;
    }

    /// <summary>Send time-out in milliseconds of virtual time.</summary>
    public int SendTimeout
    {
        get => Client.SendTimeout;
        set => Client.SendTimeout = value;
    }

    /// <summary>SO_LINGER.</summary>
    public LingerOption? LingerState
    {
        get => Client.LingerState;
        set => Client.LingerState = value;
    }

    /// <summary>Connects to <paramref name="hostname"/>:<paramref name="port"/>, resolving through the host's resolver.</summary>
    public void Connect(string hostname, int port)
    {
        ThrowIfDisposed();
        ThrowIfActive();
        Client.Connect(hostname, port);
        Active = true;
    }

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>.</summary>
    public void Connect(IPAddress address, int port) => Connect(new IPEndPoint(address ?? throw new ArgumentNullException(nameof(address)), port));

    /// <summary>Connects to <paramref name="remoteEP"/>.</summary>
    public void Connect(IPEndPoint remoteEP)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(remoteEP);
        ThrowIfActive();
        Client.Connect(remoteEP);
        Active = true;
    }

    /// <summary>Connects to the first of <paramref name="ipAddresses"/> that answers.</summary>
    public void Connect(IPAddress[] ipAddresses, int port)
    {
        ThrowIfDisposed();
        ThrowIfActive();
        Client.Connect(ipAddresses, port);
        Active = true;
    }

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public Task ConnectAsync(string host, int port) => ConnectAsync(host, port, CancellationToken.None).AsTask();

    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/>.</summary>
    public ValueTask ConnectAsync(string host, int port, CancellationToken cancellationToken) => Connecting(Client.ConnectAsync(host, port, cancellationToken));

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>.</summary>
    public Task ConnectAsync(IPAddress address, int port) => ConnectAsync(address, port, CancellationToken.None).AsTask();

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>.</summary>
    public ValueTask ConnectAsync(IPAddress address, int port, CancellationToken cancellationToken) => Connecting(Client.ConnectAsync(address, port, cancellationToken));

    /// <summary>Connects to <paramref name="remoteEP"/>.</summary>
    public Task ConnectAsync(IPEndPoint remoteEP) => ConnectAsync(remoteEP, CancellationToken.None).AsTask();

    /// <summary>Connects to <paramref name="remoteEP"/>.</summary>
    public ValueTask ConnectAsync(IPEndPoint remoteEP, CancellationToken cancellationToken) => Connecting(Client.ConnectAsync(remoteEP, cancellationToken));

    /// <summary>Connects to the first of <paramref name="addresses"/> that answers.</summary>
    public Task ConnectAsync(IPAddress[] addresses, int port) => ConnectAsync(addresses, port, CancellationToken.None).AsTask();

    /// <summary>Connects to the first of <paramref name="addresses"/> that answers.</summary>
    public ValueTask ConnectAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken) => Connecting(Client.ConnectAsync(addresses, port, cancellationToken));

    private async ValueTask Connecting(ValueTask connect)
    {
        ThrowIfDisposed();
        ThrowIfActive();
        await connect.ConfigureAwait(false);
        Active = true;
    }

    /// <summary>The stream over the connection; the client owns it (disposing the client closes it).</summary>
    /// <exception cref="InvalidOperationException">The client is not connected.</exception>
    public NetworkStream GetStream()
    {
        ThrowIfDisposed();
        if (!Client.Connected)
        {
            throw new InvalidOperationException("The operation is not allowed on non-connected sockets.");
        }

        return stream ??= new NetworkStream(Client, ownsSocket: true);
    }

    /// <summary>Closes the client and its connection.</summary>
    public void Close() => Dispose();

    /// <summary>Closes the client and its connection.</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        if (stream is not null)
        {
            stream.Dispose();
        }
        else
        {
            Client.Dispose();
        }
    }

    private void ThrowIfActive()
    {
        if (Active)
        {
            throw SocketErrors.Exception(SocketError.IsConnected, "the TcpClient is already connected.");
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    /// <inheritdoc />
    public override string ToString() => $"TcpClient ({family}) {Client}";
}
