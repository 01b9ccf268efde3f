using SimNet.Kernel;
using System.Net;
using System.Net.Sockets;
using SimNet.Transport.Tcp;

namespace SimNet.Sockets;

/// <summary>
/// The stream half of <see cref="Socket"/>: <c>SocketType.Stream</c>/<c>ProtocolType.Tcp</c> over the
/// simulated TCP in <c>SimNet.Transport.Tcp</c>. The datagram members dispatch here when the socket is a stream socket.
/// </summary>
public sealed partial class Socket
{
    private readonly TcpEndpoint? tcp;
    private bool streamConnected;
    private bool nonBlockingConnect;
    private bool connectStartFailed;
    private bool netListening;
    private bool explicitlyBound;
    private EndPoint? netLocal;

    /// <summary>Wraps a connection a listener accepted.</summary>
    private Socket(Socket listener, TcpEndpoint accepted)
    {
        Host = listener.Host;
        sim = listener.sim;
        AddressFamily = listener.AddressFamily;
        SocketType = SocketType.Stream;
        ProtocolType = ProtocolType.Tcp;
        tcp = accepted;
        streamConnected = true;
        explicitlyBound = true;
    }

    private static TcpEndpoint NewStreamEndpoint(Topology.Host host, AddressFamily family, bool dualMode)
    {
        lock (host.Simulation.Gate)
        {
            return new TcpEndpoint(host, family) { DualMode = dualMode };
        }
    }

    private TcpEndpoint Tcp => tcp!;

    private IPEndPoint StreamEndPoint(IPAddress address, int port) => RemoteFor(address, port);

    /// <summary>
    /// The runtime's LocalEndPoint: null until it knows the socket is bound (Bind, a connect that
    /// worked, or a non-blocking connect it confirmed); then the kernel's address, 0.0.0.0:0 / [::]:0 when
    /// the kernel never bound it (a connect that failed at once).
    /// </summary>
    private EndPoint? StreamLocalEndPoint()
    {
        lock (sim.Gate)
        {
            StreamConfirmPending();
            if (!explicitlyBound)
            {
                return null;
            }

            // The runtime caches the first answer (until a Bind, or a connect when it was a wildcard).
            return netLocal ??= Tcp.LocalAddress is { } a ? StreamEndPoint(a, Tcp.LocalPort)
                : new IPEndPoint(AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, Tcp.LocalPort);
        }
    }

    /// <summary>
    /// The runtime's RemoteEndPoint: cached at the first read that finds a peer; null while the object
    /// does not think it is connected; NotConnected (which marks it disconnected) when it thinks so but
    /// the kernel has no peer (a non-blocking connect that failed).
    /// </summary>
    private EndPoint? StreamRemoteEndPoint()
    {
        lock (sim.Gate)
        {
            if (netRemote is not null)
            {
                return netRemote;
            }

            StreamConfirmPending();
            if (!explicitlyBound || !streamConnected)
            {
                return null;
            }

            if (Tcp.RemoteAddress is not { } a || Tcp.State is TcpState.Closed or TcpState.SynSent or TcpState.Listen)
            {
                StreamSetDisconnected();
                throw SocketErrors.Exception(SocketError.NotConnected, $"{Tcp.Describe()} has no peer.");
            }

            return netRemote = StreamEndPoint(a, Tcp.RemotePort);
        }
    }

    /// <summary>
    /// A non-blocking connect as the runtime sees it (measured on Linux, .NET 10). One that failed at
    /// once stays "in progress"; the socket then polls writable, so the next read of its state takes it
    /// as bound and connected (LocalEndPoint 0.0.0.0:0, RemoteEndPoint NotConnected). One under way is
    /// finished by the runtime's event loop: when it worked, the next read finds it connected; when it
    /// failed, the runtime has taken the error (a later Send is Shutdown, not ConnectionRefused) and the
    /// object stays unconnected.
    /// </summary>
    private void StreamConfirmPending()
    {
        if (!nonBlockingConnect || !(disposed || Tcp.ConnectFinished))
        {
            return;
        }

        nonBlockingConnect = false;
        if (connectStartFailed || Tcp.WasConnected || Tcp.State != TcpState.Closed)
        {
            connectStartFailed = false;
            StreamSetConnected();
        }
        else if (Tcp.PendingError != SocketError.Success && Tcp.PendingError == Tcp.ConnectError)
        {
            Tcp.TakePendingError();
        }
    }

    /// <summary>The runtime's SetToConnected: bound, connected, and a cached wildcard LocalEndPoint forgotten.</summary>
    private void StreamSetConnected()
    {
        streamConnected = true;
        explicitlyBound = true;
        if (netLocal is IPEndPoint { } local && (local.Address.Equals(IPAddress.Any) || local.Address.Equals(IPAddress.IPv6Any) || local.Address.Equals(IPAddress.Any.MapToIPv6())))
        {
            netLocal = null;
        }
    }

    /// <summary>The runtime's SetToDisconnected after an error or a Shutdown: only an object that thought it was connected changes.</summary>
    private void StreamSetDisconnected()
    {
        if (streamConnected)
        {
            streamConnected = false;
            netDisconnected = true;
        }
    }

    private void StreamBind(IPEndPoint ep)
    {
        lock (sim.Gate)
        {
            Tcp.ReuseAddress = true; // the runtime sets SO_REUSEADDR before every TCP bind on Unix (SystemNative_Bind)
            SocketError error = Tcp.Bind(ep.Address, ep.Port);
            if (error != SocketError.Success)
            {
                throw StreamFailure(error, $"binding {ep} on {Host.Name}"); // the runtime marks a connected object disconnected after any error
            }

            explicitlyBound = true;
            netLocal = null;
        }
    }

    private void StreamListen(int backlog)
    {
        lock (sim.Gate)
        {
            SocketErrors.ThrowIfFailed(Tcp.Listen(backlog), $"listening on {Tcp.Describe()}");
            netListening = true;
        }
    }

    /// <summary>Marks the socket disconnected after an error, as the runtime does for every error but WouldBlock and TimedOut.</summary>
    private SocketException StreamFailure(SocketError error, string what)
    {
        if (error is not (SocketError.WouldBlock or SocketError.TimedOut or SocketError.IOPending))
        {
            StreamSetDisconnected();
        }

        return SocketErrors.Exception(error, $"{what} on {Tcp.Describe()}");
    }

    // ------------------------------------------------------------------ connect

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
        lock (sim.Gate)
        {
            if (disposed)
            {
                return SocketError.OperationAborted;
            }

            return Tcp.Connect(remote.Address, remote.Port);
        }
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
        lock (sim.Gate)
        {
            SocketErrors.ThrowIfFailed(FinishStreamConnect(), $"connecting to {remote} from {Host.Name}");
        }
    }

    private ValueTask StreamConnectAsync(IPEndPoint remote, CancellationToken cancellationToken)
    {
        ValidateStreamConnect();
        SocketError error = StartStreamConnect(remote);
        if (error != SocketError.Success)
        {
            return ValueTask.FromException(SocketErrors.Exception(error, $"connecting to {remote} from {Host.Name}"));
        }

        var wait = new StreamWait<int>(this, "an async connect", cancellationToken, static s =>
        {
            if (!s.disposed && !s.Tcp.ConnectFinished)
            {
                return (false, 0, SocketError.Success);
            }

            return (true, 0, s.FinishStreamConnect());
        });
        return new ValueTask(wait.Start());
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
        if (remote is DnsEndPoint dns)
        {
            Task<IPAddress[]> lookup = Host.Resolver.GetHostAddressesAsync(dns.Host, dns.AddressFamily);
            lookup.ContinueWith(
                t => sim.PostCompletion(_ => ConnectByNameThenRaise(e, t, dns.Port), null),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return true;
        }

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

    private void ConnectByNameThenRaise(SocketAsyncEventArgs e, Task<IPAddress[]> lookup, int port)
    {
        SocketError error = SocketError.HostNotFound;
        if (disposed || lookup.IsCanceled)
        {
            error = SocketError.OperationAborted; // closed while the name was looked up: no connect, Completed still raised
        }
        else if (lookup.IsFaulted)
        {
            Exception failure = lookup.Exception!.InnerException!;
            e.ConnectByNameError = failure;
            error = failure is SocketException se ? se.SocketErrorCode : SocketError.HostNotFound;
        }
        else
        {
            foreach (IPAddress address in lookup.Result)
            {
                if (address.AddressFamily == AddressFamily || (DualMode && address.AddressFamily == AddressFamily.InterNetwork))
                {
                    error = StartStreamConnect(ToIPEndPointForAsync(new IPEndPoint(address, port)));
                    if (error == SocketError.Success)
                    {
                        ContinueArgsConnect(e);
                        return;
                    }
                }
            }
        }

        e.SocketError = error;
        e.FinishAndRaise();
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
            await new StreamWait<int>(this, "a ConnectAsync(SocketAsyncEventArgs)", CancellationToken.None, static s =>
                !s.disposed && !s.Tcp.ConnectFinished ? (false, 0, SocketError.Success) : (true, 0, s.FinishStreamConnect())).Start().ConfigureAwait(false);
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

    // ------------------------------------------------------------------ accept

    /// <summary>Takes the next connection off the listener's queue, waiting (in virtual time) if there is none.</summary>
    /// <exception cref="InvalidOperationException">The socket is not bound, or not listening.</exception>
    /// <exception cref="SocketException">WouldBlock (non-blocking, none queued); Interrupted (closed while waiting); OperationNotSupported on a datagram socket.</exception>
    public Socket Accept()
    {
        ThrowIfDisposed();
        ValidateAccept();
        while (true)
        {
            lock (sim.Gate)
            {
                ThrowIfDisposed();
                if (Tcp.TryAccept(out TcpEndpoint? child) == SocketError.Success)
                {
                    return new Socket(this, child!);
                }

                if (!blocking)
                {
                    throw SocketErrors.Exception(SocketError.WouldBlock, "no connection is waiting to be accepted");
                }
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

        var wait = new StreamWait<Socket?>(this, "an async accept", cancellationToken, static s =>
            s.Tcp.TryAccept(out TcpEndpoint? child) == SocketError.Success ? (true, new Socket(s, child!), SocketError.Success) : (false, null, SocketError.Success));
        return new ValueTask<Socket>(wait.Start()!);
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
        lock (sim.Gate)
        {
            if (Tcp.TryAccept(out TcpEndpoint? ready) == SocketError.Success)
            {
                e.AcceptSocket = new Socket(this, ready!);
                e.FinishSynchronously();
                return false;
            }
        }

        var wait = new StreamWait<Socket?>(this, "an AcceptAsync(SocketAsyncEventArgs)", CancellationToken.None, static s =>
            s.Tcp.TryAccept(out TcpEndpoint? child) == SocketError.Success ? (true, new Socket(s, child!), SocketError.Success) : (false, null, SocketError.Success));
        wait.OnDone = (socket, error) =>
        {
            e.AcceptSocket = socket;
            e.SocketError = error;
            sim.PostCompletion(static state => ((SocketAsyncEventArgs)state!).FinishAndRaise(), e);
        };
        wait.Start();
        return true;
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
                ? SocketErrors.Exception(SocketError.InvalidArgument, $"{Tcp.Describe()} no longer listens (Linux accept: EINVAL).")
                : new InvalidOperationException("You must call the Listen method before performing this operation.");
        }
    }

    // ------------------------------------------------------------------ send

    /// <summary>A blocking send takes every byte (waiting for buffer space as the peer acknowledges); a non-blocking one takes what fits.</summary>
    private int StreamSend(ReadOnlySpan<byte> buffer)
    {
        long deadline = DeadlineFor(sendTimeout);
        int total = 0;
        while (true)
        {
            lock (sim.Gate)
            {
                ThrowIfDisposed();
                if (total > 0 && Tcp.PendingError != SocketError.Success)
                {
                    return total; // Linux returns what it took; the error waits for the next call
                }

                SocketError error = Tcp.Send(buffer[total..], out int sent);
                total += sent;
                if (error == SocketError.Success && total == buffer.Length)
                {
                    return total;
                }

                if (error is not (SocketError.Success or SocketError.WouldBlock))
                {
                    throw StreamFailure(error, $"sending {buffer.Length} bytes");
                }

                if (!blocking)
                {
                    return total > 0 ? total : throw StreamFailure(SocketError.WouldBlock, "a non-blocking send with a full send buffer");
                }
            }

            bool ready = sim.WaitUntil(static s => s.disposed || s.Tcp.IsWritable, this, deadline, static s => $"a blocking Send on {s.Tcp.Describe()} (the peer does not read)");
            if (disposed)
            {
                throw SocketErrors.Exception(SocketError.Interrupted, "the socket was closed during a blocking Send");
            }

            if (!ready)
            {
                return total > 0 ? total : throw StreamFailure(SocketError.TimedOut, $"Send waited {sendTimeout} ms of virtual time (SendTimeout)");
            }
        }
    }

    /// <summary>Sends every byte of <paramref name="buffer"/>, completing when the last is in the send buffer.</summary>
    private ValueTask<int> StreamSendAllAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) =>
        StreamIoAsync(send: true, default, buffer, peek: false, cancellationToken);

    private bool StreamSendAsync(SocketAsyncEventArgs e)
    {
        ThrowIfDisposed();
        e.StartOperation(SocketAsyncOperation.Send);
        return RunArgs(e, "a SendAsync(SocketAsyncEventArgs)", SendAllStep(e.Window));
    }

    /// <summary>One attempt at sending the rest of <paramref name="buffer"/>; done when every byte is taken or an error comes.</summary>
    private static Func<Socket, (bool Done, int Result, SocketError Error)> SendAllStep(ReadOnlyMemory<byte> buffer)
    {
        int total = 0;
        return s =>
        {
            if (total > 0 && s.Tcp.PendingError != SocketError.Success)
            {
                return (true, total, SocketError.Success); // what was taken counts; the error waits for the next call
            }

            SocketError error = s.Tcp.Send(buffer.Span[total..], out int sent);
            total += sent;
            bool more = error == SocketError.WouldBlock || (error == SocketError.Success && total < buffer.Length);
            return more ? (false, 0, SocketError.Success) : (true, total, error);
        };
    }

    /// <summary>One attempt at receiving into <paramref name="buffer"/>; done when bytes, end of stream or an error came.</summary>
    private static Func<Socket, (bool Done, int Result, SocketError Error)> ReceiveStep(Memory<byte> buffer, SocketFlags flags)
    {
        bool peek = (flags & SocketFlags.Peek) != 0;
        return s =>
        {
            if (buffer.IsEmpty && !s.Tcp.IsReadable && TcpStateMachine.IsSynchronized(s.Tcp.State))
            {
                // An async zero-byte receive waits until data (or the end, or an error) is there and then
                // completes with 0, as .NET's does on Linux and Windows: SocketsHttpHandler and Kestrel
                // rely on it to wait for input without holding a buffer.
                return (false, 0, SocketError.Success);
            }

            SocketError error = s.Tcp.Receive(buffer.Span, peek, out int n);
            return error == SocketError.WouldBlock ? (false, 0, SocketError.Success) : (true, n, error);
        };
    }

    /// <summary>
    /// A SocketAsyncEventArgs operation on a stream socket: false when <paramref name="step"/> finished at
    /// once (Completed not raised), true when pending (Completed raised later on the simulation's thread).
    /// </summary>
    private bool RunArgs(SocketAsyncEventArgs e, string what, Func<Socket, (bool Done, int Result, SocketError Error)> step)
    {
        lock (sim.Gate)
        {
            (bool done, int result, SocketError error) = step(this);
            if (done)
            {
                SetArgsResult(e, result, error, what);
                e.FinishSynchronously();
                return false;
            }
        }

        var wait = new StreamWait<int>(this, what, CancellationToken.None, step);
        wait.OnDone = (result, error) =>
        {
            SetArgsResult(e, result, error, what);
            sim.PostCompletion(static state => ((SocketAsyncEventArgs)state!).FinishAndRaise(), e);
        };
        wait.Start();
        return true;
    }

    private void SetArgsResult(SocketAsyncEventArgs e, int result, SocketError error, string what)
    {
        if (error != SocketError.Success)
        {
            _ = StreamFailure(error, what); // the runtime's Connected turns false here too
        }

        e.SocketError = error;
        e.BytesTransferred = error == SocketError.Success ? result : 0;
    }

    // ------------------------------------------------------------------ receive

    private int StreamReceive(Span<byte> buffer, SocketFlags flags)
    {
        bool peek = (flags & SocketFlags.Peek) != 0;
        long deadline = DeadlineFor(receiveTimeout);
        while (true)
        {
            lock (sim.Gate)
            {
                ThrowIfDisposed();
                SocketError error = Tcp.Receive(buffer, peek, out int n);
                if (error == SocketError.Success)
                {
                    return n;
                }

                if (error != SocketError.WouldBlock)
                {
                    throw StreamFailure(error, "receiving");
                }

                if (!blocking)
                {
                    throw StreamFailure(SocketError.WouldBlock, "a non-blocking receive with nothing buffered");
                }
            }

            bool ready = sim.WaitUntil(static s => s.disposed || s.Tcp.IsReadable, this, deadline, static s => $"a blocking Receive on {s.Tcp.Describe()}");
            if (disposed)
            {
                throw SocketErrors.Exception(SocketError.Interrupted, "the socket was closed during a blocking Receive");
            }

            if (!ready)
            {
                throw StreamFailure(SocketError.TimedOut, $"Receive waited {receiveTimeout} ms of virtual time (ReceiveTimeout)");
            }
        }
    }

    private ValueTask<int> StreamReceiveAsync(Memory<byte> buffer, SocketFlags flags, CancellationToken cancellationToken) =>
        StreamIoAsync(send: false, buffer, default, peek: (flags & SocketFlags.Peek) != 0, cancellationToken);

    private bool StreamReceiveAsync(SocketAsyncEventArgs e)
    {
        ThrowIfDisposed();
        e.StartOperation(SocketAsyncOperation.Receive);
        return RunArgs(e, "a ReceiveAsync(SocketAsyncEventArgs)", ReceiveStep(e.Window, e.SocketFlags));
    }

    // ------------------------------------------------------------------ shutdown, close, poll

    private void StreamShutdown(SocketShutdown how)
    {
        lock (sim.Gate)
        {
            StreamConfirmPending();
            SocketError error = Tcp.Shutdown(how is SocketShutdown.Send or SocketShutdown.Both, how is SocketShutdown.Receive or SocketShutdown.Both);

            // The runtime ignores ENOTCONN for an object that is or was connected, then marks it disconnected.
            if (error != SocketError.Success && !(error == SocketError.NotConnected && (streamConnected || netDisconnected)))
            {
                throw StreamFailure(error, $"Shutdown({how})");
            }

            StreamSetDisconnected();
        }
    }

    private bool StreamPollCondition(SelectMode mode) => mode switch
    {
        // Linux tcp_poll: a closed socket (never connected, or over) reports POLLHUP, which .NET counts as readable.
        SelectMode.SelectRead => disposed || (Tcp.IsListening ? Tcp.AcceptQueueLength > 0 : Tcp.IsReadable || Tcp.State == TcpState.Closed),
        // Linux tcp_poll: writable unless listening or mid-handshake; a closed socket (never connected, or its connection over) polls writable too.
        SelectMode.SelectWrite => !Tcp.IsListening && Tcp.ConnectFinished && (Tcp.State == TcpState.Closed || Tcp.IsWritable),
        _ => Tcp.PendingError != SocketError.Success,
    };

    private bool StreamPoll(SelectMode mode, long deadline)
    {
        if (mode is not (SelectMode.SelectRead or SelectMode.SelectWrite or SelectMode.SelectError))
        {
            return PollForNothing(deadline);
        }

        lock (sim.Gate)
        {
            StreamConfirmPending(); // the runtime's event loop has finished a non-blocking connect by now (and taken a failure's error)
            if (deadline == sim.Clock.NowTicks || StreamPollCondition(mode))
            {
                return StreamPollCondition(mode);
            }
        }

        return sim.WaitUntil(s => s.StreamPollCondition(mode), this, deadline, static s => $"a Poll on {s.Tcp.Describe()}");
    }

    /// <summary>
    /// Whether the connection got through its handshake and has not failed since (the runtime's Connected,
    /// which only changes when an operation runs, or, after a non-blocking connect, when it is read).
    /// </summary>
    private bool StreamConnected
    {
        get
        {
            if (nonBlockingConnect)
            {
                lock (sim.Gate)
                {
                    StreamConfirmPending();
                }
            }

            return streamConnected;
        }
    }

    /// <summary>The time-out of Close(timeout): 0 resets the connection (linger 0); other values close gracefully in the background.</summary>
    /// <summary>Close(timeout) as the runtime does it: SO_LINGER (true, timeout) for the close that follows; -1 leaves the option as it is.</summary>
    private void StreamCloseTimeout(int timeout)
    {
        if (timeout >= 0)
        {
            lock (sim.Gate)
            {
                Tcp.LingerEnabled = true;
                Tcp.LingerSeconds = timeout;
            }
        }
    }

    /// <summary>
    /// Before a blocking socket closes with SO_LINGER (true, n > 0): send the FIN after the buffered data
    /// and wait, up to n seconds of virtual time, until the peer has acknowledged it (Linux close()).
    /// </summary>
    private void StreamLinger()
    {
        long deadline;
        lock (sim.Gate)
        {
            TcpEndpoint t = Tcp;
            if (disposed || !blocking || !t.LingerEnabled || t.LingerSeconds <= 0 || t.Available > 0 || !TcpStateMachine.IsSynchronized(t.State))
            {
                return; // nothing to wait for, or unread data: Close resets
            }

            t.Shutdown(send: true, receive: false);
            deadline = sim.Clock.NowTicks + (t.LingerSeconds * TimeSpan.TicksPerSecond);
        }

        sim.WaitUntil(static s => s.Tcp.State is not (TcpState.FinWait1 or TcpState.Closing or TcpState.LastAck), this, deadline, static s => $"a lingering Close on {s.Tcp.Describe()}");
    }

    /// <summary>
    /// SO_LINGER: with (true, 0), Close resets the connection (RST) and discards unsent data; with (true, n),
    /// Close on a blocking socket waits up to n seconds of virtual time for the data and FIN to be acknowledged;
    /// otherwise Close returns at once and the connection closes gracefully in the background.
    /// </summary>
    public LingerOption? LingerState
    {
        get
        {
            ThrowIfDisposed();
            RequireStream(nameof(LingerState));
            lock (sim.Gate)
            {
                return new LingerOption(Tcp.LingerEnabled, Tcp.LingerSeconds);
            }
        }

        set
        {
            ThrowIfDisposed();
            ArgumentNullException.ThrowIfNull(value);
            RequireStream(nameof(LingerState));
            ArgumentOutOfRangeException.ThrowIfNegative(value.LingerTime);
            lock (sim.Gate)
            {
                Tcp.LingerEnabled = value.Enabled;
                Tcp.LingerSeconds = value.LingerTime;
            }
        }
    }

    /// <summary>SendTo, ReceiveFrom, ReceiveMessageFrom and multicast membership are not wired for stream sockets in SimNet: say so instead of failing obscurely.</summary>
    private void RequireDatagram(string what)
    {
        if (tcp is not null)
        {
            throw SocketErrors.Exception(SocketError.OperationNotSupported, $"{what} is not supported on SimNet stream sockets; use Send and Receive.");
        }
    }

    private void RequireStream(string what)
    {
        if (tcp is null)
        {
            throw SocketErrors.Exception(SocketError.ProtocolOption, $"{what} is an option of stream sockets.");
        }
    }

    /// <summary>Options of a stream socket; returns false for options it does not know (the caller then says so).</summary>
    private bool TrySetStreamOption(SocketOptionLevel level, SocketOptionName name, int value)
    {
        TcpEndpoint t = Tcp;
        switch ((level, name))
        {
            case (SocketOptionLevel.Tcp, SocketOptionName.NoDelay):
                t.NoDelay = value != 0;
                return true;
            case (SocketOptionLevel.Socket, SocketOptionName.KeepAlive):
                t.KeepAlive = value != 0;
                return true;
            case (SocketOptionLevel.Socket, SocketOptionName.ReuseAddress):
                t.ReuseAddress = value != 0;
                return true;
            case (SocketOptionLevel.Socket, SocketOptionName.ExclusiveAddressUse):
                exclusiveAddressUse = value != 0;
                t.ReuseAddress &= value == 0;
                return true;
            case (SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer):
                t.ReceiveBufferSize = Math.Max(Math.Min(Math.Max(value, 0), BufferSizeMax) * 2, MinReceiveBuffer);
                return true;
            case (SocketOptionLevel.Socket, SocketOptionName.SendBuffer):
                t.SendBufferSize = Math.Max(Math.Min(Math.Max(value, 0), BufferSizeMax) * 2, MinSendBuffer);
                return true;
            case (SocketOptionLevel.Socket, SocketOptionName.ReceiveTimeout):
                receiveTimeout = Math.Max(value, 0);
                return true;
            case (SocketOptionLevel.Socket, SocketOptionName.SendTimeout):
                sendTimeout = Math.Max(value, 0);
                return true;
            case (SocketOptionLevel.IPv6, SocketOptionName.IPv6Only) when AddressFamily == AddressFamily.InterNetworkV6:
                if (t.IsBound)
                {
                    throw SocketErrors.Exception(SocketError.InvalidArgument, "IPv6Only (DualMode) cannot change after Bind.");
                }

                t.DualMode = value == 0;
                return true;
            default:
                return false;
        }
    }

    private int? TryGetStreamOption(SocketOptionLevel level, SocketOptionName name)
    {
        TcpEndpoint t = Tcp;
        return (level, name) switch
        {
            (SocketOptionLevel.Tcp, SocketOptionName.NoDelay) => t.NoDelay ? 1 : 0,
            (SocketOptionLevel.Socket, SocketOptionName.KeepAlive) => t.KeepAlive ? 1 : 0,
            (SocketOptionLevel.Socket, SocketOptionName.ReuseAddress) => t.ReuseAddress ? 1 : 0,
            (SocketOptionLevel.Socket, SocketOptionName.ExclusiveAddressUse) => (exclusiveAddressUse ?? true) && !t.ReuseAddress ? 1 : 0,
            (SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer) => t.ReceiveBufferSize,
            (SocketOptionLevel.Socket, SocketOptionName.SendBuffer) => t.SendBufferSize,
            (SocketOptionLevel.Socket, SocketOptionName.ReceiveTimeout) => receiveTimeout,
            (SocketOptionLevel.Socket, SocketOptionName.SendTimeout) => sendTimeout,
            (SocketOptionLevel.Socket, SocketOptionName.Error) => (int)t.TakePendingError(),
            (SocketOptionLevel.Socket, SocketOptionName.AcceptConnection) => t.IsListening ? 1 : 0,
            (SocketOptionLevel.IPv6, SocketOptionName.IPv6Only) when AddressFamily == AddressFamily.InterNetworkV6 => t.DualMode ? 0 : 1,
            _ => null,
        };
    }

    // ------------------------------------------------------------------ waiting

    /// <summary>
    /// An operation waiting on the TCP endpoint. Its step runs under the simulation's lock each time
    /// the endpoint changes; when it reports done inside a kernel event, the task completes in a work
    /// item posted to the simulation's context (never inline in the kernel, never on the thread pool).
    /// </summary>
    private sealed class StreamWait<T> : SimulationWait, ITcpWaiter
    {
        private readonly Socket socket;
        private readonly string what;
        private readonly Func<Socket, (bool Done, T Result, SocketError Error)> step;
        private readonly TaskCompletionSource<T> completion = new();
        private readonly CancellationToken cancellationToken;
        private CancellationTokenRegistration registration;
        private T? publishedResult;
        private SocketError publishedError;
        private bool starting;

        public StreamWait(Socket socket, string what, CancellationToken cancellationToken, Func<Socket, (bool Done, T Result, SocketError Error)> step)
        {
            this.socket = socket;
            this.what = what;
            this.step = step;
            this.cancellationToken = cancellationToken;
        }

        /// <summary>Called instead of completing the task, when set (SocketAsyncEventArgs operations).</summary>
        public Action<T?, SocketError>? OnDone { get; set; }

        public override string DescribeWait() => $"{what} on {socket.Tcp.Describe()}";

        public override Task? WaitTask => completion.Task;

        public Task<T> Start()
        {
            lock (socket.sim.Gate)
            {
                if (socket.disposed)
                {
                    Complete(default!, SocketError.OperationAborted, fromKernel: false);
                    return completion.Task;
                }

                socket.sim.AddWait(this);
                if (cancellationToken.CanBeCanceled)
                {
                    registration = cancellationToken.Register(static state => ((StreamWait<T>)state!).Cancel(), this);
                }

                // Ready at once: complete in the caller's own call, as the real socket does.
                starting = true;
                socket.Tcp.AddWaiter(this);
                starting = false;
            }

            return completion.Task;
        }

        public bool TryComplete(TcpEndpoint endpoint)
        {
            (bool done, T result, SocketError error) = step(socket);
            if (!done)
            {
                return false;
            }

            Complete(result, error, fromKernel: true);
            return true;
        }

        public void Abort(SocketError error) => Complete(default!, error, fromKernel: false);

        private void Cancel()
        {
            lock (socket.sim.Gate)
            {
                if (!socket.Tcp.RemoveWaiter(this))
                {
                    return;
                }
            }

            registration.Unregister();
            socket.sim.RemoveWait(this);
            if (OnDone is { } done)
            {
                done(default, SocketError.OperationAborted);
            }
            else
            {
                completion.TrySetException(new OperationCanceledException(cancellationToken)); // measured: as UDP, not TaskCanceledException
            }
        }

        private void Complete(T result, SocketError error, bool fromKernel)
        {
            registration.Unregister();
            socket.sim.RemoveWait(this);
            if (OnDone is { } done)
            {
                done(result, error);
                return;
            }

            publishedResult = result;
            publishedError = error;
            if (fromKernel && !starting)
            {
                socket.sim.PostCompletion(static state => ((StreamWait<T>)state!).Publish(), this);
            }
            else
            {
                Publish();
            }
        }

        private void Publish()
        {
            if (publishedError == SocketError.Success)
            {
                completion.TrySetResult(publishedResult!);
            }
            else
            {
                completion.TrySetException(socket.StreamFailure(publishedError, what));
            }
        }
    }
}
