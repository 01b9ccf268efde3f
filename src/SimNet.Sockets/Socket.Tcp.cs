using SimNet.Kernel;
using System.Net;
using System.Net.Sockets;
using SimNet.Transport.Sockets;
using SimNet.Transport.Tcp;

namespace SimNet.Sockets;

/// <summary>
/// The stream half of <see cref="Socket"/>: <c>SocketType.Stream</c>/<c>ProtocolType.Tcp</c> over the
/// simulated TCP in <c>SimNet.Transport.Tcp</c>. The datagram members dispatch here when the socket is a stream socket.
/// </summary>
public sealed partial class Socket
{
    private readonly TcpSocketCore? tcpCore;
    private readonly TcpEndpoint? tcp;
    private bool streamConnected;
    private bool nonBlockingConnect;
    private bool explicitlyBound;

    /// <summary>Wraps a connection a listener accepted.</summary>
    private Socket(Socket listener, TcpEndpoint accepted)
    {
        Host = listener.Host;
        sim = listener.sim;
        AddressFamily = listener.AddressFamily;
        SocketType = SocketType.Stream;
        ProtocolType = ProtocolType.Tcp;
        core = tcpCore = new TcpSocketCore(Host, accepted);
        tcp = accepted;
        streamConnected = true;
        explicitlyBound = true;
    }

    private TcpEndpoint Tcp => tcp!;

    private IPEndPoint StreamEndPoint(IPAddress address, int port) => RemoteFor(address, port);

    private EndPoint? StreamLocalEndPoint()
    {
        (IPAddress? address, int port) = tcpCore!.Read(Tcp, static t => (t.LocalAddress, t.LocalPort));
        return explicitlyBound && address is not null ? StreamEndPoint(address, port) : null;
    }

    private EndPoint? StreamRemoteEndPoint()
    {
        (IPAddress? address, int port) = tcpCore!.Read(Tcp, static t => (t.RemoteAddress, t.RemotePort));
        return streamConnected && address is not null ? StreamEndPoint(address, port) : null;
    }

    private void StreamBind(IPEndPoint ep)
    {
        SocketErrors.ThrowIfFailed(core.Bind(ep.Address, ep.Port), $"binding {ep} on {Host.Name}");
        explicitlyBound = true;
    }

    private void StreamListen(int backlog)
    {
        SocketErrors.ThrowIfFailed(tcpCore!.Listen(backlog), $"listening on {core.Describe()}");
    }

    /// <summary>Marks the socket disconnected after an error, as the runtime does for every error but WouldBlock and TimedOut.</summary>
    private SocketException StreamFailure(SocketError error, string what)
    {
        if (error is not (SocketError.WouldBlock or SocketError.TimedOut or SocketError.IOPending))
        {
            streamConnected = false;
        }

        return SocketErrors.Exception(error, $"{what} on {core.Describe()}");
    }

    // ------------------------------------------------------------------ connect

    /// <summary>Checks in the runtime's order what makes a stream connect invalid before it starts.</summary>
    private void ValidateStreamConnect()
    {
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

        SocketError error = core.Connect(remote.Address, remote.Port);
        if (error == SocketError.Success)
        {
            explicitlyBound = true;
        }

        return error;
    }

    /// <summary>The outcome of a connect that has finished: Success, or why it failed.</summary>
    private SocketError FinishStreamConnect()
    {
        SocketError error = disposed ? SocketError.OperationAborted : Tcp.State == TcpState.Closed && !Tcp.WasConnected ? Tcp.ConnectError : SocketError.Success;
        if (error == SocketError.Success)
        {
            streamConnected = true;
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
        SocketErrors.ThrowIfFailed(StartStreamConnect(remote), $"connecting to {remote} from {Host.Name}");
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
            throw new InvalidOperationException("You must call the Listen method before performing this operation.");
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
            ThrowIfDisposed();
            SocketError error = tcpCore!.Send(buffer, ref total);
            if (error == SocketError.Success)
            {
                return total; // every byte taken, or (Linux) what was taken before an error, which waits for the next call
            }

            if (error != SocketError.WouldBlock)
            {
                throw StreamFailure(error, $"sending {buffer.Length} bytes");
            }

            if (!blocking)
            {
                return total > 0 ? total : throw StreamFailure(SocketError.WouldBlock, "a non-blocking send with a full send buffer");
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
        var op = new StreamTransfer(this, StreamKind.Send, "a SendAsync(SocketAsyncEventArgs)") { Args = e };
        return RunArgs(op.With(default, e.Window, peek: false), e, static (s, e, result, error) => s.SetArgsResult(e, result, error, "a SendAsync(SocketAsyncEventArgs)"));
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
            ThrowIfDisposed();
            SocketError error = tcpCore!.Receive(buffer, peek, out int n);
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
        var op = new StreamTransfer(this, StreamKind.Receive, "a ReceiveAsync(SocketAsyncEventArgs)") { Args = e };
        return RunArgs(op.With(e.Window, default, (e.SocketFlags & SocketFlags.Peek) != 0, zeroByteWaits: false), e, static (s, e, result, error) => s.SetArgsResult(e, result, error, "a ReceiveAsync(SocketAsyncEventArgs)"));
    }

    // ------------------------------------------------------------------ shutdown, close, poll

    private void StreamShutdown(SocketShutdown how)
    {
        SocketError error = core.Shutdown(how is SocketShutdown.Send or SocketShutdown.Both, how is SocketShutdown.Receive or SocketShutdown.Both);
        if (error != SocketError.Success)
        {
            throw StreamFailure(error, $"Shutdown({how})");
        }
    }

    private bool StreamPollCondition(SelectMode mode) => mode switch
    {
        SelectMode.SelectRead => disposed || (Tcp.IsListening ? Tcp.AcceptQueueLength > 0 : Tcp.IsReadable),
        SelectMode.SelectWrite => !Tcp.IsListening && Tcp.ConnectFinished && (Tcp.WasConnected || Tcp.State != TcpState.Closed) && Tcp.IsWritable,
        _ => Tcp.PendingError != SocketError.Success || (Tcp.ConnectFinished && Tcp.ConnectError != SocketError.Success),
    };

    private bool StreamPoll(SelectMode mode, long deadline)
    {
        if (mode is not (SelectMode.SelectRead or SelectMode.SelectWrite or SelectMode.SelectError))
        {
            return PollForNothing(deadline);
        }

        (bool answered, bool ready) = core.Read((this, mode, deadline), static s =>
            s.deadline == s.Item1.sim.Clock.NowTicks || s.Item1.StreamPollCondition(s.mode) ? (true, s.Item1.StreamPollCondition(s.mode)) : (false, false));
        if (answered)
        {
            return ready;
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
                core.Update(this, static s =>
                {
                    if (s.Tcp.ConnectFinished)
                    {
                        s.nonBlockingConnect = false;
                        s.FinishStreamConnect();
                    }
                });
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
            core.Update((Tcp, timeout), static s => (s.Tcp.LingerEnabled, s.Tcp.LingerSeconds) = (true, s.timeout));
        }
    }

    /// <summary>
    /// Before a blocking socket closes with SO_LINGER (true, n > 0): send the FIN after the buffered data
    /// and wait, up to n seconds of virtual time, until the peer has acknowledged it (Linux close()).
    /// </summary>
    private void StreamLinger()
    {
        if (disposed || !blocking || tcpCore!.StartLingeringClose() is not long deadline)
        {
            return; // nothing to wait for, or unread data: Close resets
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
            return core.Read(Tcp, static t => new LingerOption(t.LingerEnabled, t.LingerSeconds));
        }

        set
        {
            ThrowIfDisposed();
            ArgumentNullException.ThrowIfNull(value);
            RequireStream(nameof(LingerState));
            ArgumentOutOfRangeException.ThrowIfNegative(value.LingerTime);
            core.Update((Tcp, value), static s => (s.Tcp.LingerEnabled, s.Tcp.LingerSeconds) = (s.value.Enabled, s.value.LingerTime));
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
}
