using System.Net;
using System.Net.Sockets;

namespace SimNet.Sockets;

public sealed partial class Socket
{
    /// <summary>
    /// Sets the default remote endpoint and the receive filter: afterwards only datagrams from it are
    /// received; the others are dropped and traced as FilteredByConnect. Connecting again changes the filter.
    /// </summary>
    /// <exception cref="SocketException">AccessDenied for a broadcast address without <see cref="EnableBroadcast"/>; NetworkUnreachable; AddressFamilyNotSupported.</exception>
    public void Connect(EndPoint remoteEP)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(remoteEP);
        if (remoteEP is DnsEndPoint dns)
        {
            Connect(dns.Host, dns.Port);
            return;
        }

        protocol.Connect(ToIPEndPoint(remoteEP, nameof(remoteEP)));
    }

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>.</summary>
    public void Connect(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        ValidatePort(port);
        Connect(new IPEndPoint(address, port));
    }

    /// <summary>Connects to the first of <paramref name="addresses"/> that works.</summary>
    public void Connect(IPAddress[] addresses, int port)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Length == 0)
        {
            throw new ArgumentException("The address list is empty.", nameof(addresses));
        }

        ValidatePort(port);
        ConnectFirst(addresses, port);
    }

    /// <summary>Resolves <paramref name="host"/> on this socket's host (blocking in virtual time), then connects.</summary>
    public void Connect(string host, int port)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(host);
        ValidatePort(port);
        Task<IPAddress[]> lookup = Host.Resolver.GetHostAddressesAsync(host, AddressFamily.Unspecified);
        sim.WaitUntil(static t => t.IsCompleted, lookup, long.MaxValue, static _ => "resolving a host name for Connect");
        ConnectFirst(lookup.GetAwaiter().GetResult(), port);
    }

    private void ConnectFirst(IPAddress[] addresses, int port)
    {
        SocketException? last = null;
        foreach (IPAddress address in addresses)
        {
            if (!IsOwnFamily(address))
            {
                continue;
            }

            try
            {
                protocol.Connect(ToIPEndPoint(new IPEndPoint(address, port), "addresses"));
                return;
            }
            catch (SocketException e)
            {
                last = e;
            }
        }

        throw last ?? NoAddressOfFamily();
    }

    /// <summary>Starts a connect in the kernel (UDP: sets the peer; TCP: sends the SYN); OperationAborted once closed.</summary>
    private SocketError TryConnectCore(IPEndPoint remote) =>
        disposed ? SocketError.OperationAborted : core.Connect(remote.Address, remote.Port);

    private static void ValidatePort(int port)
    {
        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "The port must be between 0 and 65535.");
        }
    }

    /// <summary>Connects; for UDP it completes at once.</summary>
    public Task ConnectAsync(EndPoint remoteEP) => ConnectAsync(remoteEP, CancellationToken.None).AsTask();

    /// <summary>Connects; for UDP it completes at once (a DnsEndPoint resolves first).</summary>
    public ValueTask ConnectAsync(EndPoint remoteEP, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(remoteEP);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (remoteEP is DnsEndPoint dns)
        {
            return ConnectAsync(dns.Host, dns.Port, cancellationToken);
        }

        return protocol.ConnectAsync(remoteEP, cancellationToken);
    }

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>.</summary>
    public Task ConnectAsync(IPAddress address, int port) => ConnectAsync(address, port, CancellationToken.None).AsTask();

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>.</summary>
    public ValueTask ConnectAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ValidatePort(port);
        return ConnectAsync(new IPEndPoint(address, port), cancellationToken);
    }

    /// <summary>Connects to the first of <paramref name="addresses"/> that works.</summary>
    public Task ConnectAsync(IPAddress[] addresses, int port) => ConnectAsync(addresses, port, CancellationToken.None).AsTask();

    /// <summary>Connects to the first of <paramref name="addresses"/> that works.</summary>
    public ValueTask ConnectAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Length == 0)
        {
            throw new ArgumentException("The address list is empty.", nameof(addresses));
        }

        ValidatePort(port);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        return protocol.ConnectFirstAsync(addresses, port, cancellationToken);
    }

    /// <summary>Resolves <paramref name="host"/> through the host's resolver, then connects.</summary>
    public Task ConnectAsync(string host, int port) => ConnectAsync(host, port, CancellationToken.None).AsTask();

    /// <summary>Resolves <paramref name="host"/> through the host's resolver, then connects.</summary>
    public async ValueTask ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(host);
        ValidatePort(port);
        IPAddress[] addresses = await Host.Resolver.GetHostAddressesAsync(host, AddressFamily.Unspecified, cancellationToken).ConfigureAwait(false);
        await protocol.ConnectFirstAsync(addresses, port, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Begins a connect described by <paramref name="e"/>, as seed <c>001</c> states: returns true when
    /// pending (then <see cref="SocketAsyncEventArgs.Completed"/> is raised on the simulation's thread),
    /// false when complete at once (then it is not raised, and <paramref name="e"/> holds the result).
    /// </summary>
    /// <remarks>
    /// For UDP it sets the default remote endpoint and completes synchronously: false, with
    /// <see cref="SocketAsyncEventArgs.SocketError"/> Success, or AccessDenied for a broadcast address
    /// without the Broadcast option. A <see cref="DnsEndPoint"/> resolves first and completes pending.
    /// As measured on Linux, a UDP connect does not send the optional buffer (BytesTransferred stays 0);
    /// the atomic first buffer applies to stream sockets.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="e"/> is null.</exception>
    /// <exception cref="ArgumentException">BufferList is set, or RemoteEndPoint is null.</exception>
    /// <exception cref="NotSupportedException">RemoteEndPoint's family differs from the socket's.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="e"/> is already in use.</exception>
    public bool ConnectAsync(SocketAsyncEventArgs e)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(e);
        if (e.BufferList is not null)
        {
            throw new ArgumentException("Multiple buffers cannot be used with this method.", nameof(e));
        }

        if (e.RemoteEndPoint is null)
        {
            throw new ArgumentNullException("remoteEP", "The value of e.RemoteEndPoint cannot be null.");
        }

        protocol.ValidateArgsConnect();
        EndPoint remote = e.RemoteEndPoint;
        if (remote is not DnsEndPoint && remote.AddressFamily != AddressFamily
            && !(DualMode && remote.AddressFamily == AddressFamily.InterNetwork))
        {
            throw new NotSupportedException($"This protocol version is not supported: the endpoint is {remote.AddressFamily}, the socket {AddressFamily}.");
        }

        e.StartOperation(SocketAsyncOperation.Connect);
        e.ConnectSocket = this;
        if (remote is DnsEndPoint dns)
        {
            // Resolve first, then connect (and raise Completed) on the simulation's thread.
            Task<IPAddress[]> lookup = Host.Resolver.GetHostAddressesAsync(dns.Host, dns.AddressFamily);
            lookup.ContinueWith(
                t => sim.PostCompletion(_ => FinishConnectByName(e, t, dns.Port), null),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return true;
        }

        return protocol.ConnectAsync(e, remote);
    }

    private IPEndPoint ToIPEndPointForAsync(EndPoint remote)
    {
        IPEndPoint ip = remote as IPEndPoint ?? FromSerialized(remote);
        return ip.AddressFamily == AddressFamily ? ip : new IPEndPoint(ip.Address.MapToIPv6(), ip.Port);
    }

    private void FinishConnectByName(SocketAsyncEventArgs e, Task<IPAddress[]> lookup, int port)
    {
        if (disposed || lookup.IsCanceled)
        {
            e.SocketError = SocketError.OperationAborted; // closed while the name was looked up
        }
        else if (lookup.IsFaulted)
        {
            Exception error = lookup.Exception!.InnerException!;
            e.ConnectByNameError = error;
            e.SocketError = error is SocketException se ? se.SocketErrorCode : SocketError.HostNotFound;
        }
        else
        {
            e.SocketError = SocketError.HostNotFound;
            foreach (IPAddress address in lookup.Result)
            {
                if (IsOwnFamily(address))
                {
                    e.SocketError = TryConnectCore(ToIPEndPointForAsync(new IPEndPoint(address, port)));
                    if (e.SocketError == SocketError.Success)
                    {
                        if (protocol.ContinueArgsConnect(e))
                        {
                            return; // the handshake, the optional first buffer, then Completed
                        }

                        break;
                    }
                }
            }
        }

        e.FinishAndRaise();
    }

    /// <summary>Takes the next connection off the listener's queue, waiting (in virtual time) if there is none.</summary>
    /// <exception cref="InvalidOperationException">The socket is not bound, or not listening.</exception>
    /// <exception cref="SocketException">WouldBlock (non-blocking, none queued); Interrupted (closed while waiting); OperationNotSupported on a datagram socket.</exception>
    public Socket Accept()
    {
        ThrowIfDisposed();
        return protocol.Acceptor().Accept();
    }

    /// <summary>Accepts the next connection.</summary>
    public Task<Socket> AcceptAsync() => AcceptAsync(CancellationToken.None).AsTask();

    /// <summary>Accepts the next connection; completes on the simulation's thread when one arrives.</summary>
    public ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        TcpProtocol listener = protocol.Acceptor();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<Socket>(cancellationToken);
        }

        return listener.AcceptAsync(cancellationToken);
    }

    /// <summary>Accepts the next connection into <see cref="SocketAsyncEventArgs.AcceptSocket"/>: false when one was waiting (Completed not raised), true when pending.</summary>
    /// <exception cref="NotSupportedException"><see cref="SocketAsyncEventArgs.AcceptSocket"/> is set: SimNet creates the accepted socket itself.</exception>
    public bool AcceptAsync(SocketAsyncEventArgs e)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(e);
        if (e.AcceptSocket is not null)
        {
            throw new NotSupportedException("SimNet creates the accepted socket itself; leave AcceptSocket null.");
        }

        TcpProtocol listener = protocol.Acceptor();
        e.StartOperation(SocketAsyncOperation.Accept);
        return listener.AcceptAsync(e);
    }
}
