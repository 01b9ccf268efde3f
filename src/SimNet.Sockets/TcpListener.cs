using System.Net;
using System.Net.Sockets;
using SimNet.Topology;

namespace SimNet.Sockets;

/// <summary>Listens for TCP connections, with the shape of <see cref="System.Net.Sockets.TcpListener"/>, over a SimNet <see cref="Socket"/>.</summary>
public sealed class TcpListener
{
    private readonly Host host;
    private readonly IPEndPoint endpoint;
    private Socket server;
    private bool exclusiveAddressUse;

    /// <summary>A listener on the current host for <paramref name="localaddr"/>:<paramref name="port"/>.</summary>
    public TcpListener(IPAddress localaddr, int port)
        : this(Socket.CurrentHost(), new IPEndPoint(localaddr ?? throw new ArgumentNullException(nameof(localaddr)), port))
    {
    }

    /// <summary>A listener on the current host for <paramref name="localEP"/>.</summary>
    public TcpListener(IPEndPoint localEP)
        : this(Socket.CurrentHost(), localEP)
    {
    }

    /// <summary>A listener on <paramref name="host"/> for <paramref name="localaddr"/>:<paramref name="port"/>.</summary>
    public TcpListener(Host host, IPAddress localaddr, int port)
        : this(host, new IPEndPoint(localaddr ?? throw new ArgumentNullException(nameof(localaddr)), port))
    {
    }

    /// <summary>A listener on <paramref name="host"/> for <paramref name="localEP"/>.</summary>
    public TcpListener(Host host, IPEndPoint localEP)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(localEP);
        this.host = host;
        endpoint = localEP;
        server = new Socket(host, localEP.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
    }

    /// <summary>A listener on all addresses (IPv6 dual mode) of the current host, as the real factory makes.</summary>
    public static TcpListener Create(int port) => Create(Socket.CurrentHost(), port);

    /// <summary>A listener on all addresses (IPv6 dual mode) of <paramref name="host"/>.</summary>
    public static TcpListener Create(Host host, int port)
    {
        var listener = new TcpListener(host, IPAddress.IPv6Any, port);
        listener.server.DualMode = true;
        return listener;
    }

    /// <summary>The listening socket.</summary>
    public Socket Server => server;

    /// <summary>Whether <see cref="Start()"/> has been called (and not <see cref="Stop"/>).</summary>
    public bool Active { get; private set; }

    /// <summary>The bound endpoint once started; before that, the endpoint given.</summary>
    public EndPoint LocalEndpoint => Active ? server.LocalEndPoint! : endpoint;

    /// <summary>Whether the port may not be shared; set before <see cref="Start()"/>.</summary>
    /// <exception cref="InvalidOperationException">The listener is started.</exception>
    public bool ExclusiveAddressUse
    {
        get => server.ExclusiveAddressUse;
        set
        {
            if (Active)
            {
                throw new InvalidOperationException("The TcpListener must be stopped to set ExclusiveAddressUse.");
            }

            server.ExclusiveAddressUse = value;
            exclusiveAddressUse = value;
        }
    }

    /// <summary>Binds and listens with the largest backlog.</summary>
    public void Start() => Start((int)SocketOptionName.MaxConnections);

    /// <summary>Binds and listens with <paramref name="backlog"/> (Linux caps it at somaxconn, 4096).</summary>
    /// <exception cref="SocketException">AddressAlreadyInUse and the other bind errors.</exception>
    public void Start(int backlog)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(backlog);
        if (Active)
        {
            return;
        }

        server.Bind(endpoint);
        try
        {
            server.Listen(backlog);
        }
        catch (SocketException)
        {
            Stop();
            throw;
        }

        Active = true;
    }

    /// <summary>Stops listening: connections not yet accepted are reset. The listener can be started again.</summary>
    public void Stop()
    {
        bool dualMode = server.AddressFamily == AddressFamily.InterNetworkV6 && server.DualMode;
        server.Dispose();
        Active = false;
        server = new Socket(host, endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (dualMode)
        {
            server.DualMode = true;
        }

        if (exclusiveAddressUse)
        {
            server.ExclusiveAddressUse = true;
        }
    }

    /// <summary>Whether a connection is waiting to be accepted.</summary>
    /// <exception cref="InvalidOperationException">The listener is not started.</exception>
    public bool Pending()
    {
        ThrowIfNotActive();
        return server.Poll(0, SelectMode.SelectRead);
    }

    /// <summary>Accepts a connection as a socket, waiting in virtual time.</summary>
    public Socket AcceptSocket()
    {
        ThrowIfNotActive();
        return server.Accept();
    }

    /// <summary>Accepts a connection as a <see cref="TcpClient"/>.</summary>
    public TcpClient AcceptTcpClient()
    {
        ThrowIfNotActive();
        return new TcpClient(server.Accept());
    }

    /// <summary>Accepts a connection as a socket.</summary>
    public Task<Socket> AcceptSocketAsync() => AcceptSocketAsync(CancellationToken.None).AsTask();

    /// <summary>Accepts a connection as a socket.</summary>
    public ValueTask<Socket> AcceptSocketAsync(CancellationToken cancellationToken)
    {
        ThrowIfNotActive();
        return server.AcceptAsync(cancellationToken);
    }

    /// <summary>Accepts a connection as a <see cref="TcpClient"/>.</summary>
    public Task<TcpClient> AcceptTcpClientAsync() => AcceptTcpClientAsync(CancellationToken.None).AsTask();

    /// <summary>Accepts a connection as a <see cref="TcpClient"/>.</summary>
    public async ValueTask<TcpClient> AcceptTcpClientAsync(CancellationToken cancellationToken)
    {
        ThrowIfNotActive();
        return new TcpClient(await server.AcceptAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Stops the listener.</summary>
    public void Dispose() => Stop();

    private void ThrowIfNotActive()
    {
        if (!Active)
        {
            throw new InvalidOperationException("Not listening. You must call the Start() method before calling this method.");
        }
    }
}
