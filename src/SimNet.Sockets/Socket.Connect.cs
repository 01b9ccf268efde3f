using System.Net;
using System.Net.Sockets;
using SimNet.Transport.Tcp;

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

        ConnectCore(ToIPEndPoint(remoteEP, nameof(remoteEP)));
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
            if (address.AddressFamily != AddressFamily && !(DualMode && address.AddressFamily == AddressFamily.InterNetwork))
            {
                continue;
            }

            try
            {
                ConnectCore(ToIPEndPoint(new IPEndPoint(address, port), "addresses"));
                return;
            }
            catch (SocketException e)
            {
                last = e;
            }
        }

        throw last ?? SocketErrors.Exception(SocketError.AddressFamilyNotSupported, $"None of the addresses is of the socket's family {AddressFamily}.");
    }

    private void ConnectCore(IPEndPoint remote, bool async = false)
    {
        if (tcp is not null)
        {
            StreamConnect(remote);
            return;
        }

        ThrowIfDisposed();
        NetBeforeConnect(async);
        SocketError error = udpCore!.Connect(remote.Address, remote.Port, via: null, out bool wasBound);
        NetAfterConnect(error, wasBound);
        SocketErrors.ThrowIfFailed(error, $"connecting to {remote} from {Host.Name}");
    }

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

        if (tcp is not null)
        {
            return StreamConnectAsync(ToIPEndPoint(remoteEP, nameof(remoteEP)), cancellationToken);
        }

        try
        {
            ConnectCore(ToIPEndPoint(remoteEP, nameof(remoteEP)), async: true);
            return ValueTask.CompletedTask;
        }
        catch (SocketException e)
        {
            return ValueTask.FromException(e);
        }
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

        if (tcp is not null)
        {
            return StreamConnectFirstAsync(addresses, port, cancellationToken);
        }

        try
        {
            ConnectFirst(addresses, port);
            return ValueTask.CompletedTask;
        }
        catch (SocketException e)
        {
            return ValueTask.FromException(e);
        }
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
        if (tcp is not null)
        {
            await StreamConnectFirstAsync(addresses, port, cancellationToken).ConfigureAwait(false);
            return;
        }

        ConnectFirst(addresses, port);
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

        if (tcp is not null)
        {
            ValidateStreamConnect();
        }

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

        if (tcp is not null)
        {
            return StreamConnectAsync(e, remote);
        }

        e.SocketError = TryConnectCore(ToIPEndPointForAsync(remote));
        e.FinishSynchronously();
        return false;
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
                if (address.AddressFamily == AddressFamily || (DualMode && address.AddressFamily == AddressFamily.InterNetwork))
                {
                    IPEndPoint remote = ToIPEndPointForAsync(new IPEndPoint(address, port));
                    e.SocketError = tcp is not null ? StartStreamConnect(remote) : TryConnectCore(remote);
                    if (e.SocketError == SocketError.Success && tcp is not null)
                    {
                        ContinueArgsConnect(e); // the handshake, the optional first buffer, then Completed
                        return;
                    }

                    if (e.SocketError == SocketError.Success)
                    {
                        break;
                    }
                }
            }
        }

        e.FinishAndRaise();
    }

    /// <summary>Checks in the runtime's order what makes a stream connect invalid before it starts.</summary>
    private void ValidateStreamConnect()
    {
        if (netDisconnected)
        {
            throw new InvalidOperationException("Once the socket has been disconnected, you can only reconnect again asynchronously, and only to a different EndPoint.");
        }

        if (Tcp.IsListening)
        {
            throw new InvalidOperationException("You may not perform this operation after calling the Listen method.");
        }

        if (streamConnected)
        {
            throw SocketErrors.Exception(SocketError.IsConnected, "the socket is already connected.");
        }
    }

    /// <summary>Starts the handshake; returns an immediate error, or Success when it is under way.</summary>
    private SocketError StartStreamConnect(IPEndPoint remote)
    {
        if (disposed)
        {
            return SocketError.OperationAborted;
        }

        return core.Connect(remote.Address, remote.Port);
    }

    /// <summary>The outcome of a connect that has finished: Success, or why it failed.</summary>
    private SocketError FinishStreamConnect()
    {
        SocketError error = disposed ? SocketError.OperationAborted : Tcp.State == TcpState.Closed && !Tcp.WasConnected ? Tcp.ConnectError : SocketError.Success;
        if (error == SocketError.Success)
        {
            StreamSetConnected();
        }
        else if (error == Tcp.PendingError)
        {
            Tcp.TakePendingError();
        }

        return error;
    }

    private void StreamConnect(IPEndPoint remote)
    {
        ValidateStreamConnect();
        SocketError start = StartStreamConnect(remote);
        if (start != SocketError.Success)
        {
            // The runtime marks a non-blocking connect in progress before it calls connect(), so even one that fails at once.
            nonBlockingConnect = connectStartFailed = !blocking;
            throw SocketErrors.Exception(start, $"connecting to {remote} from {Host.Name}");
        }

        if (!blocking)
        {
            nonBlockingConnect = true;
            throw SocketErrors.Exception(SocketError.WouldBlock, $"a non-blocking connect to {remote} is under way");
        }

        sim.WaitUntil(static s => s.disposed || s.Tcp.ConnectFinished, this, long.MaxValue, static s => $"a blocking Connect on {s.Tcp.Describe()}");
        SocketErrors.ThrowIfFailed(core.Read(this, static s => s.FinishStreamConnect()), $"connecting to {remote} from {Host.Name}");
    }

    private ValueTask StreamConnectAsync(IPEndPoint remote, CancellationToken cancellationToken)
    {
        ValidateStreamConnect();
        SocketError error = StartStreamConnect(remote);
        if (error != SocketError.Success)
        {
            return ValueTask.FromException(SocketErrors.Exception(error, $"connecting to {remote} from {Host.Name}"));
        }

        return RunAsyncWithoutResult(new StreamTransfer(this, StreamKind.Connect), cancellationToken);
    }

    private async ValueTask StreamConnectFirstAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        SocketException? last = null;
        foreach (IPAddress address in addresses)
        {
            if (address.AddressFamily != AddressFamily && !(DualMode && address.AddressFamily == AddressFamily.InterNetwork))
            {
                continue;
            }

            try
            {
                await StreamConnectAsync(ToIPEndPoint(new IPEndPoint(address, port), "addresses"), cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException e)
            {
                last = e;
            }
        }

        throw last ?? SocketErrors.Exception(SocketError.AddressFamilyNotSupported, $"None of the addresses is of the socket's family {AddressFamily}.");
    }

    /// <summary>
    /// ConnectAsync(SocketAsyncEventArgs) on a stream socket: the SYN goes out now, so the call returns
    /// true and <see cref="SocketAsyncEventArgs.Completed"/> is raised when the handshake ends; an error
    /// known at once (no route, address in use) completes synchronously (false, Completed not raised).
    /// Once connected, the optional buffer is sent in full before Completed; BytesTransferred is its length.
    /// </summary>
    private bool StreamConnectAsync(SocketAsyncEventArgs e, EndPoint remote)
    {
        SocketError error = StartStreamConnect(ToIPEndPointForAsync(remote));
        if (error != SocketError.Success)
        {
            e.SocketError = error;
            e.FinishSynchronously();
            return false;
        }

        ContinueArgsConnect(e);
        return true;
    }
    /// <summary>Waits for the handshake, then sends the optional first buffer, then raises Completed, all on the simulation's thread.</summary>
    private void ContinueArgsConnect(SocketAsyncEventArgs e)
    {
        byte[] first = e.Window.ToArray();
        sim.PostCompletion(_ => _ = RunArgsConnect(e, first), null);
    }

    private async Task RunArgsConnect(SocketAsyncEventArgs e, byte[] first)
    {
        SocketError error = SocketError.Success;
        int sent = 0;
        try
        {
            await RunAsyncWithoutResult(new StreamTransfer(this, StreamKind.Connect, "a ConnectAsync(SocketAsyncEventArgs)"), CancellationToken.None).ConfigureAwait(false);
            if (first.Length > 0)
            {
                sent = await StreamSendAllAsync(first, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (SocketException failure)
        {
            error = failure.SocketErrorCode;
        }
        catch (ObjectDisposedException)
        {
            error = SocketError.OperationAborted;
        }

        e.SocketError = error;
        e.BytesTransferred = sent;
        e.FinishAndRaise();
    }

    /// <summary>Takes the next connection off the listener's queue, waiting (in virtual time) if there is none.</summary>
    /// <exception cref="InvalidOperationException">The socket is not bound, or not listening.</exception>
    /// <exception cref="SocketException">WouldBlock (non-blocking, none queued); Interrupted (closed while waiting); OperationNotSupported on a datagram socket.</exception>
    public Socket Accept()
    {
        ThrowIfDisposed();
        ValidateAccept();
        while (true)
        {
            ThrowIfDisposed();
            if (tcpCore!.TryAccept(out TcpEndpoint? child) == SocketError.Success)
            {
                return new Socket(this, child!);
            }

            if (!blocking)
            {
                throw SocketErrors.Exception(SocketError.WouldBlock, "no connection is waiting to be accepted");
            }

            sim.WaitUntil(static s => s.disposed || s.Tcp.AcceptQueueLength > 0, this, long.MaxValue, static s => $"a blocking Accept on {s.Tcp.Describe()}");
            if (disposed)
            {
                throw SocketErrors.Exception(SocketError.Interrupted, "the socket was closed during a blocking Accept");
            }
        }
    }

    /// <summary>Accepts the next connection.</summary>
    public Task<Socket> AcceptAsync() => AcceptAsync(CancellationToken.None).AsTask();

    /// <summary>Accepts the next connection; completes on the simulation's thread when one arrives.</summary>
    public ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        ValidateAccept();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<Socket>(cancellationToken);
        }

        return RunAsync(new StreamAccept(this, "an async accept"), cancellationToken);
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

        ValidateAccept();
        e.StartOperation(SocketAsyncOperation.Accept);
        return RunArgs(new StreamAccept(this, "an AcceptAsync(SocketAsyncEventArgs)") { Args = e }, e, static (_, e, accepted, _) => e.AcceptSocket = accepted);
    }

    private void ValidateAccept()
    {
        if (tcp is null)
        {
            throw SocketErrors.Exception(SocketError.OperationNotSupported, "Accept is for stream sockets; this is a datagram socket.");
        }

        if (!explicitlyBound)
        {
            throw new InvalidOperationException("You must call the Bind method before performing this operation.");
        }

        if (!Tcp.IsListening)
        {
            // The runtime remembers that Listen was called; a listener a Shutdown(Receive) stopped gets the kernel's answer.
            throw netListening
                ? SocketErrors.Exception(SocketError.InvalidArgument, $"{core.Describe()} no longer listens (Linux accept: EINVAL).")
                : new InvalidOperationException("You must call the Listen method before performing this operation.");
        }
    }
}
