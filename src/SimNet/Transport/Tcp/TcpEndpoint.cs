using System.Net;
using System.Net.Sockets;
using SimNet.Ip;
using SimNet.Kernel;
using SimNet.Topology;

namespace SimNet.Transport.Tcp;

/// <summary>Something waiting on a TCP endpoint (an async accept, connect, send or receive).</summary>
internal interface ITcpWaiter
{
    /// <summary>Called on the simulation thread whenever the endpoint changed; returns true when finished (the waiter is then removed).</summary>
    bool TryComplete(TcpEndpoint endpoint);

    /// <summary>The endpoint was closed by its owner while the waiter waited.</summary>
    void Abort(SocketError error);
}

/// <summary>
/// The kernel side of one TCP socket: binding, options, and either a listener's accept queue or
/// one connection's state, buffers and timers. Operations return a <see cref="SocketError"/>
/// (WouldBlock when the caller should wait); the socket API layer turns those into exceptions and
/// waits. All members run under the simulation's lock.
/// </summary>
/// <remarks>The user calls are in this file; segment arrival in <c>TcpEndpoint.Input.cs</c>; sending and timer expiry in <c>TcpEndpoint.Output.cs</c>; how timers are kept on the agenda in <c>TcpEndpoint.Timers.cs</c>.</remarks>
internal sealed partial class TcpEndpoint : IHousekeeper, IPortBinding, Sockets.IKernelSocket
{
    private readonly List<ITcpWaiter> waiters = new();
    private readonly List<TcpEndpoint> acceptQueue = new();
    private readonly List<Packet> outOfOrder = new();
    private ByteRing sendBuffer;
    private ByteRing receiveBuffer;
    private readonly List<TcpEndpoint> halfOpen = new();
    private bool waking;

    public TcpEndpoint(Host host, AddressFamily family)
        : this(TcpStack.Of(host), family)
    {
    }

    public TcpEndpoint(TcpStack stack, AddressFamily family)
    {
        Host = stack.Host;
        Stack = stack;
        Family = family;
        Number = Stack.NextNumber();
        sendBuffer = new ByteRing(TcpStack.DefaultSendBufferSize);
        receiveBuffer = new ByteRing(TcpStack.DefaultReceiveBufferSize);
    }

    public Host Host { get; }

    public TcpStack Stack { get; }

    public AddressFamily Family { get; }

    /// <summary>Creation order on this host, for ordering without hashing.</summary>
    public long Number { get; }

    public TcpState State { get; private set; }

    public bool DualMode { get; set; }

    public bool ReuseAddress { get; set; }

    public bool NoDelay { get; set; }

    public bool KeepAlive
    {
        get => keepAlive;
        set
        {
            keepAlive = value;
            if (value && TcpStateMachine.IsSynchronized(State))
            {
                ArmKeepAlive(Stack.KeepAliveTime);
            }
        }
    }

    private bool keepAlive;

    /// <summary>SO_LINGER on with a zero timeout: Close sends RST and discards unsent data.</summary>
    public bool LingerEnabled { get; set; }

    public int LingerSeconds { get; set; }

    public int SendBufferSize
    {
        get => sendBuffer.Capacity;
        set => sendBuffer.Resize(value);
    }

    public int ReceiveBufferSize
    {
        get => receiveBuffer.Capacity;
        set => receiveBuffer.Resize(value);
    }

    /// <summary>The address as bound (may be a wildcard); null when unbound.</summary>
    public IPAddress? BoundAddress { get; private set; }

    /// <summary>The local address of the connection (unmapped), or the bound address for a listener.</summary>
    public IPAddress? LocalAddress { get; private set; }

    public int LocalPort { get; private set; }

    public IPAddress? RemoteAddress { get; private set; }

    public int RemotePort { get; private set; }

    public bool IsBound => BoundAddress is not null;

    public bool IsListening => State == TcpState.Listen;

    /// <summary>Whether the connection got through its handshake at some point (Linux keeps reporting it connected-ish for reads after a close).</summary>
    public bool WasConnected { get; private set; }

    /// <summary>
    /// A connect that got under way failed (refused, unreachable, timed out): Linux leaves the socket
    /// SS_CONNECTING in CLOSE, so listen() is InvalidArgument, the next connect() ConnectionAborted,
    /// reads return 0, and a port the connect drew is released (bind works again).
    /// </summary>
    public bool ConnectFailed { get; private set; }

    /// <summary>The port came from connect's implicit bind, not from Bind.</summary>
    private bool autoBound;

    /// <summary>Why the last connect attempt failed, once it has.</summary>
    public SocketError ConnectError { get; private set; }

    /// <summary>The error the next call reports once (Linux sk_err): reset, refused, timed out, broken pipe.</summary>
    public SocketError PendingError { get; private set; }

    /// <summary>The owner closed this socket; the connection lives on in the kernel until it ends.</summary>
    public bool Orphaned { get; private set; }

    /// <summary>The owner shut down receiving: reads return 0.</summary>
    public bool ShutdownReceive { get; private set; }

    public int Backlog { get; private set; }

    /// <summary>Bytes that can be read now.</summary>
    public int Available => receiveBuffer.Count;

    /// <summary>Bytes written but not yet acknowledged by the peer.</summary>
    public int Unacknowledged => sendBuffer.Count;

    public int AcceptQueueLength => acceptQueue.Count;

    /// <summary>When set (by tests), every state the connection enters, in order.</summary>
    internal List<TcpState>? History { get; set; }

    /// <summary>Whether a connect in progress has ended, well or badly.</summary>
    public bool ConnectFinished => State is not (TcpState.SynSent or TcpState.SynReceived);

    public bool CoversIPv4 => Family == AddressFamily.InterNetwork || DualMode;

    public bool CoversIPv6 => Family == AddressFamily.InterNetworkV6;
    /// <summary>Whether a segment to <paramref name="destination"/> matches this listener's bound address.</summary>
    public bool Accepts(IPAddress destination)
    {
        IPAddress local = LocalAddress!; // unmapped at bind: ::ffff:0.0.0.0 is the IPv4 wildcard, as on Linux
        bool v4 = destination.AddressFamily == AddressFamily.InterNetwork;
        if (AddressRules.IsAny(local))
        {
            return local.AddressFamily == AddressFamily.InterNetwork ? v4 && CoversIPv4 : v4 ? CoversIPv4 : CoversIPv6;
        }

        return local.Equals(destination);
    }

    internal void SetBinding(IPAddress address, int port)
    {
        BoundAddress = address;
        LocalAddress = AddressRules.Unmap(address);
        LocalPort = port;
    }

    // ---------------------------------------------------------------- user calls

    /// <summary>Binds to <paramref name="address"/>:<paramref name="port"/> (port 0 for ephemeral).</summary>
    public SocketError Bind(IPAddress address, int port)
    {
        if (IsBound || State != TcpState.Closed || WasConnected)
        {
            return SocketError.InvalidArgument;
        }

        if (address.IsIPv6Multicast)
        {
            return SocketError.InvalidArgument; // measured: Linux refuses an IPv6 group for a TCP socket (an IPv4 group binds)
        }

        return Stack.Bind(this, address, port);
    }

    /// <summary>Starts listening; an unbound socket gets an ephemeral port on the wildcard address (Linux).</summary>
    public SocketError Listen(int backlog)
    {
        if (State == TcpState.Listen)
        {
            Backlog = Math.Clamp(backlog, 0, TcpStack.MaxBacklog);
            return SocketError.Success;
        }

        if (State != TcpState.Closed || WasConnected || ConnectFailed)
        {
            return SocketError.InvalidArgument;
        }

        if (!IsBound)
        {
            SocketError e = Stack.Bind(this, Family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
            if (e != SocketError.Success)
            {
                return e;
            }
        }
        else if (Stack.ConflictsOnListen(this))
        {
            return SocketError.AddressAlreadyInUse;
        }

        Backlog = Math.Clamp(backlog, 0, TcpStack.MaxBacklog);
        Move(TcpEvent.PassiveOpen);
        return SocketError.Success;
    }

    /// <summary>Takes the oldest established connection off the accept queue; WouldBlock when there is none.</summary>
    public SocketError TryAccept(out TcpEndpoint? connection)
    {
        connection = null;
        if (State != TcpState.Listen)
        {
            return SocketError.InvalidArgument;
        }

        if (acceptQueue.Count == 0)
        {
            return SocketError.WouldBlock;
        }

        connection = acceptQueue[0];
        acceptQueue.RemoveAt(0);
        connection.Parent = null;
        return SocketError.Success;
    }

    /// <summary>
    /// Starts the handshake: binds an unbound socket to the source address the route picks and an
    /// ephemeral port, then sends a SYN. Success means the connect is under way; watch
    /// <see cref="ConnectFinished"/> and <see cref="ConnectError"/>.
    /// </summary>
    public SocketError Connect(IPAddress address, int port)
    {
        if (State == TcpState.Listen)
        {
            return SocketError.InvalidArgument;
        }

        if (State == TcpState.SynSent)
        {
            return SocketError.AlreadyInProgress; // Linux EALREADY: a non-blocking connect is under way
        }

        if (ConnectFailed && State == TcpState.Closed)
        {
            ConnectFailed = false; // Linux __inet_stream_connect: the failed attempt is reported once, the socket is unconnected again
            return SocketError.ConnectionAborted;
        }

        if (State != TcpState.Closed || WasConnected)
        {
            return SocketError.IsConnected;
        }

        IPAddress remote = AddressRules.Unmap(address);
        if (AddressRules.IsAny(remote))
        {
            // Linux connects to the unspecified address on this host: IPv6 to ::1 (tcp_v6_connect), IPv4 to
            // the bound address, or 127.0.0.1 when bound to none (ip_route_output_key with no destination).
            IPAddress? bound = IsBound ? LocalAddress : null;
            remote = remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback
                : bound is not null && !AddressRules.IsAny(bound) && bound.AddressFamily == AddressFamily.InterNetwork ? bound : IPAddress.Loopback;
        }

        RouteDecision route = Host.Route(remote, IsBound ? LocalAddress : null, 0);
        if (route.Error != SocketError.Success)
        {
            return route.Error;
        }

        if (route.IsBroadcast || route.IsMulticast)
        {
            return SocketError.NetworkUnreachable;
        }

        if (!IsBound)
        {
            IPAddress source = route.Source!;
            if (Family == AddressFamily.InterNetworkV6 && source.AddressFamily == AddressFamily.InterNetwork)
            {
                source = source.MapToIPv6();
            }

            SocketError e = Stack.Bind(this, source, 0);
            if (e != SocketError.Success)
            {
                return e;
            }

            autoBound = true;
        }

        LocalAddress = AddressRules.IsAny(LocalAddress!) ? route.Source! : LocalAddress;
        if (Stack.IsConnectionInUse(LocalAddress!, LocalPort, remote, port))
        {
            return SocketError.AddressNotAvailable;
        }

        RemoteAddress = remote;
        RemotePort = port;
        mss = MssFor(route);
        ConnectError = SocketError.Success;
        iss = NewInitialSequence();
        sndUna = iss;
        sndNxt = iss + 1;
        Move(TcpEvent.ActiveOpen);
        Stack.Register(this);
        SendControl(TcpFlags.Syn, iss);
        ArmRetransmit();
        return SocketError.Success;
    }

    /// <summary>
    /// Copies as much of <paramref name="data"/> as the send buffer takes and sends what the windows allow.
    /// WouldBlock when the buffer is full (backpressure) or the handshake is still under way.
    /// </summary>
    public SocketError Send(ReadOnlySpan<byte> data, out int sent)
    {
        sent = 0;
        if (PendingError != SocketError.Success)
        {
            return TakePendingError();
        }

        if (finQueued || State == TcpState.Closed || State == TcpState.Listen)
        {
            return SocketError.Shutdown; // Linux EPIPE: unconnected, shut down, or the connection is over
        }

        if (!TcpStateMachine.IsSynchronized(State))
        {
            return SocketError.WouldBlock;
        }

        if (data.Length == 0)
        {
            return SocketError.Success;
        }

        sent = sendBuffer.Write(data);
        if (sent == 0)
        {
            return SocketError.WouldBlock;
        }

        TrySendData();
        return SocketError.Success;
    }

    /// <summary>
    /// Reads buffered bytes in order. With nothing buffered: a pending error once, then 0 at end of
    /// stream (FIN, reset, shutdown); WouldBlock while the connection is open.
    /// </summary>
    public SocketError Receive(Span<byte> buffer, bool peek, out int received)
    {
        received = 0;
        if (receiveBuffer.Count > 0 && buffer.Length > 0)
        {
            if (peek)
            {
                received = Math.Min(buffer.Length, receiveBuffer.Count);
                receiveBuffer.CopyOut(0, buffer[..received]);
            }
            else
            {
                received = receiveBuffer.Read(buffer);
                AfterRead();
                if (State == TcpState.Closed)
                {
                    receiveBuffer.Release(); // the last bytes of a finished connection: its memory goes back
                }
            }

            return SocketError.Success;
        }

        if (finReceived)
        {
            return SocketError.Success;
        }

        if (PendingError != SocketError.Success)
        {
            return TakePendingError();
        }

        if (ShutdownReceive || (State == TcpState.Closed && (WasConnected || ConnectFailed)))
        {
            return SocketError.Success;
        }

        if (State is TcpState.Closed or TcpState.Listen)
        {
            return SocketError.NotConnected;
        }

        return buffer.Length == 0 && TcpStateMachine.IsSynchronized(State) ? SocketError.Success : SocketError.WouldBlock;
    }

    /// <summary>Whether a receive would complete now (data, end of stream, or an error).</summary>
    public bool IsReadable =>
        receiveBuffer.Count > 0 || finReceived || PendingError != SocketError.Success || ShutdownReceive
        || (State == TcpState.Closed && (WasConnected || ConnectError != SocketError.Success));

    /// <summary>Whether a send would make progress now (buffer space, or an error to report).</summary>
    public bool IsWritable =>
        PendingError != SocketError.Success || finQueued || State == TcpState.Closed
        || (TcpStateMachine.IsSynchronized(State) && sendBuffer.Free > 0);

    public SocketError TakePendingError()
    {
        SocketError e = PendingError;
        PendingError = SocketError.Success;
        return e;
    }

    /// <summary>SHUT_WR queues a FIN after the buffered data; SHUT_RD makes reads return 0.</summary>
    public SocketError Shutdown(bool send, bool receive)
    {
        if (State == TcpState.Listen)
        {
            // Linux inet_shutdown: a listener ignores a send shutdown; a receive shutdown disconnects it (it stops listening, keeps its port).
            if (receive)
            {
                StopListening();
            }

            return SocketError.Success;
        }

        if (!TcpStateMachine.IsSynchronized(State) && State != TcpState.SynReceived)
        {
            return WasConnected && State == TcpState.Closed ? SocketError.Success : SocketError.NotConnected;
        }

        if (receive)
        {
            ShutdownReceive = true;
        }

        if (send && !finQueued)
        {
            QueueFin();
        }

        WakeWaiters();
        return SocketError.Success;
    }

    /// <summary>A listener stops: its unaccepted connections are reset, and it is closed.</summary>
    private void StopListening()
    {
        Move(TcpEvent.Close);
        foreach (TcpEndpoint child in acceptQueue.Concat(halfOpen).ToArray())
        {
            child.Parent = null;
            child.Abort(SocketError.Success, sendReset: true);
        }

        acceptQueue.Clear();
        halfOpen.Clear();
    }

    /// <summary>
    /// The owner closes the socket. A listener resets its unaccepted connections; unread data or
    /// Linger(true, 0) resets the connection; otherwise it closes gracefully in the background.
    /// </summary>
    public void Close()
    {
        if (Orphaned)
        {
            return;
        }

        Orphaned = true;
        switch (State)
        {
            case TcpState.Listen:
                StopListening();
                Stack.Unbind(this);
                break;
            case TcpState.Closed:
                Stack.Unbind(this);
                break;
            case TcpState.SynSent:
                Move(TcpEvent.Close);
                Finish(SocketError.Success);
                break;
            default:
                if (receiveBuffer.Count > 0 || (LingerEnabled && LingerSeconds == 0))
                {
                    Abort(SocketError.Success, sendReset: true);
                }
                else if (!finQueued)
                {
                    QueueFin();
                }
                else if (State == TcpState.FinWait2)
                {
                    ArmLinger(Stack.FinWait2Timeout);
                }

                break;
        }

        if (State == TcpState.Closed)
        {
            receiveBuffer.Clear(); // nobody can read it any more
        }

        receiveBuffer.Release();
        AbortWaiters(SocketError.OperationAborted);
    }

    /// <summary>Ends the connection at once with <paramref name="error"/> as the pending error, optionally telling the peer with RST.</summary>
    public void Abort(SocketError error, bool sendReset)
    {
        if (State == TcpState.Closed)
        {
            return;
        }

        if (sendReset && State != TcpState.SynSent && State != TcpState.Listen)
        {
            Stack.SendReset(LocalAddress!, LocalPort, RemoteAddress!, RemotePort, sndNxt, rcvNxt, TcpFlags.Rst | TcpFlags.Ack);
        }

        Move(TcpEvent.Abort);
        Finish(error);
    }

    /// <summary>The host crashed: the endpoint ends without a word on the wire.</summary>
    internal void Vanish()
    {
        CancelTimers();
        State = TcpState.Closed;
        ReleaseQueues();
        AbortWaiters(SocketError.ConnectionAborted);
    }

    // ---------------------------------------------------------------- waiters

    public void AddWaiter(ITcpWaiter waiter)
    {
        waiters.Add(waiter);
        WakeWaiters();
    }

    public bool RemoveWaiter(ITcpWaiter waiter) => waiters.Remove(waiter);

    /// <summary>Gives every waiter, oldest first, the chance to finish.</summary>
    private void WakeWaiters()
    {
        if (waking)
        {
            return;
        }

        waking = true;
        try
        {
            for (int i = 0; i < waiters.Count;)
            {
                if (waiters[i].TryComplete(this))
                {
                    waiters.RemoveAt(i);
                }
                else
                {
                    i++;
                }
            }
        }
        finally
        {
            waking = false;
        }

        Host.Simulation.WakeDriver();
    }

    private void AbortWaiters(SocketError error)
    {
        ITcpWaiter[] all = waiters.ToArray();
        waiters.Clear();
        foreach (ITcpWaiter w in all)
        {
            w.Abort(error);
        }
    }

    // ---------------------------------------------------------------- state changes

    /// <summary>The one place the state changes: the transition function decides, this applies it.</summary>
    private void Move(TcpEvent e)
    {
        TcpState next = TcpStateMachine.Next(State, e);
        State = next;
        History?.Add(next);
        if (next == TcpState.Established)
        {
            WasConnected = true;
            if (keepAlive)
            {
                ArmKeepAlive(Stack.KeepAliveTime);
            }
        }
        else if (next == TcpState.TimeWait)
        {
            CancelTimer(RetransmitTimer);
            ArmLinger(Stack.TimeWait);
        }
        else if (next == TcpState.FinWait2 && Orphaned)
        {
            ArmLinger(Stack.FinWait2Timeout);
        }
    }

    /// <summary>The connection is over: timers stop, tables forget it, waiters hear of it.</summary>
    private void Finish(SocketError error)
    {
        if (error != SocketError.Success)
        {
            PendingError = error;
            if (!WasConnected)
            {
                ConnectError = error;
                ConnectFailed = true;
            }
        }

        CancelTimers();
        ReleaseQueues();
        if (RemoteAddress is not null)
        {
            Stack.Unregister(this);
        }

        Stack.Unbind(this);
        if (ConnectFailed && error != SocketError.Success)
        {
            // The source the route gave goes (inet_reset_saddr), and a port connect drew is released (tcp_done): the socket is unbound again.
            // Measured: getsockname then shows the wildcard with the port connect drew.
            LocalAddress = BoundAddress is { } b && !autoBound ? AddressRules.Unmap(b) : null;
            if (autoBound)
            {
                autoBound = false;
                BoundAddress = null;
            }
        }

        if (Parent is { } parent)
        {
            parent.ForgetChild(this);
        }

        WakeWaiters();
    }

    private void ReleaseQueues()
    {
        foreach (Packet p in outOfOrder)
        {
            Host.Simulation.Packets.Return(p);
        }

        outOfOrder.Clear();
        sendBuffer.Clear();
        sendBuffer.Release();
        receiveBuffer.Release(); // only when nothing is left to read
    }

    private void QueueFin()
    {
        finQueued = true;
        Move(TcpEvent.Close);
        TrySendData();
    }

    public string Describe()
    {
        string local = IsBound || LocalAddress is not null ? $"{LocalAddress}:{LocalPort}" : "(unbound)";
        string remote = RemoteAddress is not null ? $" to {RemoteAddress}:{RemotePort}" : string.Empty;
        return $"TCP socket on {Host.Name} {local}{remote} {State}";
    }
}
