using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Transport.Sockets;
using SimNet.Transport.Tcp;

namespace SimNet.Sockets;

public sealed partial class Socket
{
    /// <summary>
    /// A stream socket's protocol: the TCP answers of <see cref="TcpSocketCore"/>, and the runtime's own view
    /// of a stream socket (measured on Linux, .NET 10): whether it knows the socket is bound, connected or
    /// listening, a non-blocking connect it has not confirmed, and the endpoints it caches.
    /// </summary>
    private sealed class TcpProtocol : SocketProtocol
    {
        private readonly TcpSocketCore kernel;
        private bool streamConnected;
        private bool nonBlockingConnect;
        private bool connectStartFailed;
        private bool netListening;
        private bool explicitlyBound;
        private EndPoint? netLocal;

        // One reusable operation per direction, as the runtime's sockets keep one awaitable per direction:
        // an operation that has to wait allocates nothing once its socket has waited before.
        private StreamTransfer? receiveIo;
        private StreamTransfer? sendIo;

        public TcpProtocol(Socket socket, Host host, AddressFamily family)
            : base(socket) => kernel = new TcpSocketCore(host, family, dualMode: false);

        /// <summary>Wraps a connection a listener accepted.</summary>
        public TcpProtocol(Socket socket, Host host, TcpEndpoint accepted)
            : base(socket)
        {
            kernel = new TcpSocketCore(host, accepted);
            streamConnected = true;
            explicitlyBound = true;
        }

        public override SocketCore Core => kernel;

        /// <summary>The kernel endpoint: read it only inside <see cref="SocketCore.Read"/>, a wait condition or a waiter's step.</summary>
        public TcpEndpoint Endpoint => kernel.Endpoint;

        public override bool IsBound => !socket.disposed && explicitlyBound;

        /// <summary>
        /// Whether the connection got through its handshake and has not failed since (the runtime's Connected,
        /// which only changes when an operation runs, or, after a non-blocking connect, when it is read).
        /// </summary>
        public override bool Connected
        {
            get
            {
                if (nonBlockingConnect)
                {
                    kernel.Update(this, static p => p.ConfirmPending());
                }

                return streamConnected;
            }
        }

        public override int Available => kernel.Read(Endpoint, static t => t.IsListening
            ? throw SocketErrors.Exception(SocketError.InvalidArgument, "a listening socket has no data to read (Linux FIONREAD: EINVAL).") // measured by the differential suite
            : t.Available);

        public override UdpProtocol AsDatagram(string what) =>
            throw SocketErrors.Exception(SocketError.OperationNotSupported, $"{what} is not supported on SimNet stream sockets; use Send and Receive.");

        public override TcpProtocol AsStream(string what) => this;

        /// <summary>
        /// The runtime's LocalEndPoint: null until it knows the socket is bound (Bind, a connect that
        /// worked, or a non-blocking connect it confirmed); then the kernel's address, 0.0.0.0:0 / [::]:0 when
        /// the kernel never bound it (a connect that failed at once).
        /// </summary>
        public override EndPoint? LocalEndPoint => kernel.Read(this, static p => p.LocalEndPointInKernel());

        private EndPoint? LocalEndPointInKernel()
        {
            ConfirmPending();
            if (!explicitlyBound)
            {
                return null;
            }

            // The runtime caches the first answer (until a Bind, or a connect when it was a wildcard).
            TcpEndpoint t = Endpoint;
            return netLocal ??= t.LocalAddress is { } a ? socket.RemoteFor(a, t.LocalPort)
                : new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, t.LocalPort);
        }

        /// <summary>
        /// The runtime's RemoteEndPoint: cached at the first read that finds a peer; null while the object
        /// does not think it is connected; NotConnected (which marks it disconnected) when it thinks so but
        /// the kernel has no peer (a non-blocking connect that failed).
        /// </summary>
        public override EndPoint? RemoteEndPoint => kernel.Read(this, static p => p.RemoteEndPointInKernel());

        private EndPoint? RemoteEndPointInKernel()
        {
            if (netRemote is not null)
            {
                return netRemote;
            }

            ConfirmPending();
            if (!explicitlyBound || !streamConnected)
            {
                return null;
            }

            TcpEndpoint t = Endpoint;
            if (t.RemoteAddress is not { } a || t.State is TcpState.Closed or TcpState.SynSent or TcpState.Listen)
            {
                SetDisconnected();
                throw SocketErrors.Exception(SocketError.NotConnected, $"{t.Describe()} has no peer.");
            }

            return netRemote = socket.RemoteFor(a, t.RemotePort);
        }

        public override void Bind(IPEndPoint local)
        {
            kernel.Update(Endpoint, static t => t.ReuseAddress = true); // the runtime sets SO_REUSEADDR before every TCP bind on Unix (SystemNative_Bind)
            SocketError error = kernel.Bind(local.Address, local.Port);
            if (error != SocketError.Success)
            {
                throw Failure(error, $"binding {local} on {socket.Host.Name}"); // the runtime marks a connected object disconnected after any error
            }

            explicitlyBound = true;
            netLocal = null;
        }

        public override void Listen(int backlog)
        {
            SocketErrors.ThrowIfFailed(kernel.Listen(backlog), $"listening on {kernel.Describe()}");
            netListening = true;
        }

        public override void Shutdown(SocketShutdown how)
        {
            SocketError error = kernel.Read((this, how), static s =>
            {
                s.Item1.ConfirmPending();
                return s.Item1.Endpoint.Shutdown(s.how is SocketShutdown.Send or SocketShutdown.Both, s.how is SocketShutdown.Receive or SocketShutdown.Both);
            });

            // The runtime ignores ENOTCONN for an object that is or was connected, then marks it disconnected.
            if (error != SocketError.Success && !(error == SocketError.NotConnected && (streamConnected || netDisconnected)))
            {
                throw Failure(error, $"Shutdown({how})");
            }

            SetDisconnected();
        }

        /// <summary>Close(timeout) as the runtime does it: SO_LINGER (true, timeout) for the close that follows; -1 leaves the option as it is.</summary>
        public override void SetCloseTimeout(int timeout)
        {
            if (timeout >= 0)
            {
                kernel.Update((Endpoint, timeout), static s => (s.Endpoint.LingerEnabled, s.Endpoint.LingerSeconds) = (true, s.timeout));
            }
        }

        /// <summary>
        /// Before a blocking socket closes with SO_LINGER (true, n > 0): send the FIN after the buffered data
        /// and wait, up to n seconds of virtual time, until the peer has acknowledged it (Linux close()).
        /// </summary>
        public override void Linger()
        {
            if (socket.disposed || !socket.blocking || kernel.StartLingeringClose() is not long deadline)
            {
                return; // nothing to wait for, or unread data: Close resets
            }

            socket.sim.WaitUntil(static t => t.State is not (TcpState.FinWait1 or TcpState.Closing or TcpState.LastAck), Endpoint, deadline, static t => $"a lingering Close on {t.Describe()}");
        }

        /// <summary>Marks the socket disconnected after an error, as the runtime does for every error but WouldBlock and TimedOut.</summary>
        public SocketException Failure(SocketError error, string what)
        {
            if (error is not (SocketError.WouldBlock or SocketError.TimedOut or SocketError.IOPending))
            {
                SetDisconnected();
            }

            return SocketErrors.Exception(error, $"{what} on {Endpoint.Describe()}"); // a message only: read without the lock, as the runtime's own messages are
        }

        /// <summary>
        /// A non-blocking connect as the runtime sees it (measured on Linux, .NET 10); called under the core's
        /// lock. One that failed at once stays "in progress"; the socket then polls writable, so the next read
        /// of its state takes it as bound and connected (LocalEndPoint 0.0.0.0:0, RemoteEndPoint NotConnected).
        /// One under way is finished by the runtime's event loop: when it worked, the next read finds it
        /// connected; when it failed, the runtime has taken the error (a later Send is Shutdown, not
        /// ConnectionRefused) and the object stays unconnected.
        /// </summary>
        private void ConfirmPending()
        {
            TcpEndpoint t = Endpoint;
            if (!nonBlockingConnect || !(socket.disposed || t.ConnectFinished))
            {
                return;
            }

            nonBlockingConnect = false;
            if (connectStartFailed || t.WasConnected || t.State != TcpState.Closed)
            {
                connectStartFailed = false;
                SetConnected();
            }
            else if (t.PendingError != SocketError.Success && t.PendingError == t.ConnectError)
            {
                t.TakePendingError();
            }
        }

        /// <summary>The runtime's SetToConnected: bound, connected, and a cached wildcard LocalEndPoint forgotten.</summary>
        private void SetConnected()
        {
            streamConnected = true;
            explicitlyBound = true;
            if (netLocal is IPEndPoint { } local && (local.Address.Equals(IPAddress.Any) || local.Address.Equals(IPAddress.IPv6Any) || local.Address.Equals(IPAddress.Any.MapToIPv6())))
            {
                netLocal = null;
            }
        }

        /// <summary>The runtime's SetToDisconnected after an error or a Shutdown: only an object that thought it was connected changes.</summary>
        private void SetDisconnected()
        {
            if (streamConnected)
            {
                streamConnected = false;
                netDisconnected = true;
            }
        }

        // Polling.
        private bool PollCondition(SelectMode mode)
        {
            TcpEndpoint t = Endpoint;
            return mode switch
            {
                // Linux tcp_poll: a closed socket (never connected, or over) reports POLLHUP, which .NET counts as readable.
                SelectMode.SelectRead => socket.disposed || (t.IsListening ? t.AcceptQueueLength > 0 : t.IsReadable || t.State == TcpState.Closed),
                // Linux tcp_poll: writable unless listening or mid-handshake; a closed socket (never connected, or its connection over) polls writable too.
                SelectMode.SelectWrite => !t.IsListening && t.ConnectFinished && (t.State == TcpState.Closed || t.IsWritable),
                _ => t.PendingError != SocketError.Success,
            };
        }

        public override bool Poll(SelectMode mode, long deadline)
        {
            if (mode is not (SelectMode.SelectRead or SelectMode.SelectWrite or SelectMode.SelectError))
            {
                return socket.PollForNothing(deadline);
            }

            (bool answered, bool ready) = kernel.Read((this, mode, deadline), static s =>
            {
                s.Item1.ConfirmPending(); // the runtime's event loop has finished a non-blocking connect by now (and taken a failure's error)
                return s.deadline == s.Item1.socket.sim.Clock.NowTicks || s.Item1.PollCondition(s.mode) ? (true, s.Item1.PollCondition(s.mode)) : (false, false);
            });
            if (answered)
            {
                return ready;
            }

            return socket.sim.WaitUntil(p => p.PollCondition(mode), this, deadline, static p => $"a Poll on {p.Endpoint.Describe()}");
        }

        // Connecting.

        /// <summary>Checks in the runtime's order what makes a stream connect invalid before it starts.</summary>
        public override void ValidateArgsConnect()
        {
            if (netDisconnected)
            {
                throw new InvalidOperationException("Once the socket has been disconnected, you can only reconnect again asynchronously, and only to a different EndPoint.");
            }

            if (Endpoint.IsListening)
            {
                throw new InvalidOperationException("You may not perform this operation after calling the Listen method.");
            }

            if (streamConnected)
            {
                throw SocketErrors.Exception(SocketError.IsConnected, "the socket is already connected.");
            }
        }

        /// <summary>The outcome of a connect that has finished: Success, or why it failed; runs under the lock.</summary>
        public SocketError FinishConnect()
        {
            TcpEndpoint t = Endpoint;
            SocketError error = socket.disposed ? SocketError.OperationAborted : t.State == TcpState.Closed && !t.WasConnected ? t.ConnectError : SocketError.Success;
            if (error == SocketError.Success)
            {
                SetConnected();
            }
            else if (error == t.PendingError)
            {
                t.TakePendingError();
            }

            return error;
        }

        public override void Connect(IPEndPoint remote)
        {
            ValidateArgsConnect();
            SocketError start = socket.TryConnectCore(remote);
            if (start != SocketError.Success)
            {
                // The runtime marks a non-blocking connect in progress before it calls connect(), so even one that fails at once.
                nonBlockingConnect = connectStartFailed = !socket.blocking;
                throw SocketErrors.Exception(start, $"connecting to {remote} from {socket.Host.Name}");
            }

            if (!socket.blocking)
            {
                nonBlockingConnect = true;
                throw SocketErrors.Exception(SocketError.WouldBlock, $"a non-blocking connect to {remote} is under way");
            }

            socket.sim.WaitUntil(static p => p.socket.disposed || p.Endpoint.ConnectFinished, this, long.MaxValue, static p => $"a blocking Connect on {p.Endpoint.Describe()}");
            SocketErrors.ThrowIfFailed(kernel.Read(this, static p => p.FinishConnect()), $"connecting to {remote} from {socket.Host.Name}");
        }

        public override ValueTask ConnectAsync(EndPoint remoteEP, CancellationToken cancellationToken) =>
            ConnectAsync(socket.ToIPEndPoint(remoteEP, nameof(remoteEP)), cancellationToken);

        private ValueTask ConnectAsync(IPEndPoint remote, CancellationToken cancellationToken)
        {
            ValidateArgsConnect();
            SocketError error = socket.TryConnectCore(remote);
            if (error != SocketError.Success)
            {
                return ValueTask.FromException(SocketErrors.Exception(error, $"connecting to {remote} from {socket.Host.Name}"));
            }

            return RunAsyncWithoutResult(new StreamTransfer(this, StreamKind.Connect), cancellationToken);
        }

        public override async ValueTask ConnectFirstAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
        {
            SocketException? last = null;
            foreach (IPAddress address in addresses)
            {
                if (!socket.IsOwnFamily(address))
                {
                    continue;
                }

                try
                {
                    await ConnectAsync(socket.ToIPEndPoint(new IPEndPoint(address, port), "addresses"), cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (SocketException e)
                {
                    last = e;
                }
            }

            throw last ?? socket.NoAddressOfFamily();
        }

        /// <summary>
        /// ConnectAsync(SocketAsyncEventArgs) on a stream socket: the SYN goes out now, so the call returns
        /// true and <see cref="SocketAsyncEventArgs.Completed"/> is raised when the handshake ends; an error
        /// known at once (no route, address in use) completes synchronously (false, Completed not raised).
        /// Once connected, the optional buffer is sent in full before Completed; BytesTransferred is its length.
        /// </summary>
        public override bool ConnectAsync(SocketAsyncEventArgs e, EndPoint remote)
        {
            SocketError error = socket.TryConnectCore(socket.ToIPEndPointForAsync(remote));
            if (error != SocketError.Success)
            {
                e.SocketError = error;
                e.FinishSynchronously();
                return false;
            }

            ContinueArgsConnect(e);
            return true;
        }

        /// <summary>
        /// Waits for the handshake, then sends the optional first buffer, then raises Completed: one operation,
        /// started on the simulation's thread (a completion), as the runtime completes it from its event loop.
        /// </summary>
        public override bool ContinueArgsConnect(SocketAsyncEventArgs e)
        {
            var op = new StreamTransfer(this, StreamKind.Connect, "a ConnectAsync(SocketAsyncEventArgs)") { Args = e, First = e.Window.ToArray() };
            socket.sim.PostCompletion(static s => ((StreamTransfer)s!).StartArgsConnect(), op);
            return true;
        }

        // Accepting.

        /// <summary>The runtime's checks before an accept.</summary>
        public override TcpProtocol Acceptor()
        {
            if (!explicitlyBound)
            {
                throw new InvalidOperationException("You must call the Bind method before performing this operation.");
            }

            if (!Endpoint.IsListening)
            {
                // The runtime remembers that Listen was called; a listener a Shutdown(Receive) stopped gets the kernel's answer.
                throw netListening
                    ? SocketErrors.Exception(SocketError.InvalidArgument, $"{kernel.Describe()} no longer listens (Linux accept: EINVAL).")
                    : new InvalidOperationException("You must call the Listen method before performing this operation.");
            }

            return this;
        }

        /// <summary>Takes the next connection off the queue, waiting (in virtual time) if there is none.</summary>
        public Socket Accept()
        {
            while (true)
            {
                socket.ThrowIfDisposed();
                if (kernel.TryAccept(out TcpEndpoint? child) == SocketError.Success)
                {
                    return new Socket(socket, child!);
                }

                if (!socket.blocking)
                {
                    throw SocketErrors.Exception(SocketError.WouldBlock, "no connection is waiting to be accepted");
                }

                socket.sim.WaitUntil(static p => p.socket.disposed || p.Endpoint.AcceptQueueLength > 0, this, long.MaxValue, static p => $"a blocking Accept on {p.Endpoint.Describe()}");
                if (socket.disposed)
                {
                    throw SocketErrors.Exception(SocketError.Interrupted, "the socket was closed during a blocking Accept");
                }
            }
        }

        /// <summary>An accept that completes on the simulation's thread when a connection arrives.</summary>
        public ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken) =>
            RunAsync(new StreamAccept(this, "an async accept"), cancellationToken);

        /// <summary>AcceptAsync(SocketAsyncEventArgs) after StartOperation: false when one was waiting.</summary>
        public bool AcceptAsync(SocketAsyncEventArgs e) =>
            RunArgs(new StreamAccept(this, "an AcceptAsync(SocketAsyncEventArgs)") { Args = e }, e, this, static (_, e, accepted, _) => e.AcceptSocket = accepted);

        // Sending and receiving.

        /// <summary>A blocking send takes every byte (waiting for buffer space as the peer acknowledges); a non-blocking one takes what fits.</summary>
        public override int Send(ReadOnlySpan<byte> buffer)
        {
            long deadline = socket.DeadlineFor(socket.sendTimeout);
            int total = 0;
            while (true)
            {
                socket.ThrowIfDisposed();
                SocketError error = kernel.Send(buffer, ref total);
                if (error == SocketError.Success)
                {
                    return total; // every byte taken, or (Linux) what was taken before an error, which waits for the next call
                }

                if (error != SocketError.WouldBlock)
                {
                    throw Failure(error, $"sending {buffer.Length} bytes");
                }

                if (!socket.blocking)
                {
                    return total > 0 ? total : throw Failure(SocketError.WouldBlock, "a non-blocking send with a full send buffer");
                }

                bool ready = socket.sim.WaitUntil(static p => p.socket.disposed || p.Endpoint.IsWritable, this, deadline, static p => $"a blocking Send on {p.Endpoint.Describe()} (the peer does not read)");
                if (socket.disposed)
                {
                    throw SocketErrors.Exception(SocketError.Interrupted, "the socket was closed during a blocking Send");
                }

                if (!ready)
                {
                    return total > 0 ? total : throw Failure(SocketError.TimedOut, $"Send waited {socket.sendTimeout} ms of virtual time (SendTimeout)");
                }
            }
        }

        /// <summary>Sends every byte of <paramref name="buffer"/>, completing when the last is in the send buffer.</summary>
        public override ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, SocketFlags flags, CancellationToken cancellationToken) =>
            IoAsync(send: true, default, buffer, peek: false, cancellationToken);

        public override bool SendAsync(SocketAsyncEventArgs e)
        {
            socket.ThrowIfDisposed();
            e.StartOperation(SocketAsyncOperation.Send);
            var op = new StreamTransfer(this, StreamKind.Send, "a SendAsync(SocketAsyncEventArgs)") { Args = e };
            return RunArgs(op.With(default, e.Window, peek: false), e, this, static (p, e, result, error) => p.SetArgsResult(e, result, error, "a SendAsync(SocketAsyncEventArgs)"));
        }

        public override int Receive(Span<byte> buffer, SocketFlags flags)
        {
            bool peek = (flags & SocketFlags.Peek) != 0;
            long deadline = socket.DeadlineFor(socket.receiveTimeout);
            while (true)
            {
                socket.ThrowIfDisposed();
                SocketError error = kernel.Receive(buffer, peek, out int n);
                if (error == SocketError.Success)
                {
                    return n;
                }

                if (error != SocketError.WouldBlock)
                {
                    throw Failure(error, "receiving");
                }

                if (!socket.blocking)
                {
                    throw Failure(SocketError.WouldBlock, "a non-blocking receive with nothing buffered");
                }

                bool ready = socket.sim.WaitUntil(static p => p.socket.disposed || p.Endpoint.IsReadable, this, deadline, static p => $"a blocking Receive on {p.Endpoint.Describe()}");
                if (socket.disposed)
                {
                    throw SocketErrors.Exception(SocketError.Interrupted, "the socket was closed during a blocking Receive");
                }

                if (!ready)
                {
                    throw Failure(SocketError.TimedOut, $"Receive waited {socket.receiveTimeout} ms of virtual time (ReceiveTimeout)");
                }
            }
        }

        public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, SocketFlags flags, CancellationToken cancellationToken) =>
            IoAsync(send: false, buffer, default, peek: (flags & SocketFlags.Peek) != 0, cancellationToken);

        public override bool ReceiveAsync(SocketAsyncEventArgs e)
        {
            e.StartOperation(SocketAsyncOperation.Receive);
            var op = new StreamTransfer(this, StreamKind.Receive, "a ReceiveAsync(SocketAsyncEventArgs)") { Args = e };
            return RunArgs(op.With(e.Window, default, (e.SocketFlags & SocketFlags.Peek) != 0), e, this, static (p, e, result, error) => p.SetArgsResult(e, result, error, "a ReceiveAsync(SocketAsyncEventArgs)"));
        }

        /// <summary>
        /// Receives into <paramref name="buffer"/> (or sends all of <paramref name="data"/>) through the socket's
        /// pooled operation of that direction; completes at once when the endpoint can answer now.
        /// </summary>
        private ValueTask<int> IoAsync(bool send, Memory<byte> buffer, ReadOnlyMemory<byte> data, bool peek, CancellationToken cancellationToken)
        {
            socket.ThrowIfDisposed();
            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<int>(cancellationToken);
            }

            return RunAsync(Io(send).With(buffer, data, peek), cancellationToken);
        }

        /// <summary>The socket's pooled operation of that direction, or a new one while it is in use.</summary>
        private StreamTransfer Io(bool send)
        {
            ref StreamTransfer? slot = ref send ? ref sendIo : ref receiveIo;
            return slot is { IsIdle: true } idle ? idle : (slot = new StreamTransfer(this, send ? StreamKind.Send : StreamKind.Receive));
        }

        /// <summary>
        /// A NetworkStream's read: the socket's pooled receive itself, its failures as IOExceptions (the runtime's
        /// stream hands back the socket's own awaitable the same way), so no async method stands between.
        /// </summary>
        /// <remarks>As the runtime's stream path: a cancelled token first, then a disposed socket (thrown).</remarks>
        public override ValueTask<int> StreamReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<int>(cancellationToken);
            }

            socket.ThrowIfDisposed();
            return RunAsync(Io(send: false).With(buffer, default, peek: false, forStream: true), cancellationToken);
        }

        /// <summary>A NetworkStream's write: every byte through the socket's pooled send, failures as IOExceptions.</summary>
        public override ValueTask StreamWriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled(cancellationToken);
            }

            socket.ThrowIfDisposed();
            return RunAsyncWithoutResult(Io(send: true).With(default, buffer, peek: false, forStream: true), cancellationToken);
        }

        /// <summary>A SocketAsyncEventArgs transfer's outcome into the args (a failure marks the socket disconnected, as the runtime's does).</summary>
        public void SetArgsResult(SocketAsyncEventArgs e, int result, SocketError error, string what)
        {
            if (error != SocketError.Success)
            {
                _ = Failure(error, what); // the runtime's Connected turns false here too
            }

            e.SocketError = error;
            e.BytesTransferred = error == SocketError.Success ? result : 0;
        }

        // Options.
        protected override IKernelSocket KernelSocket => Endpoint;

        protected override void SetProtocolOption(SocketOptionLevel level, SocketOptionName name, int value)
        {
            TcpEndpoint t = Endpoint;
            switch ((level, name))
            {
                case (SocketOptionLevel.Tcp, SocketOptionName.NoDelay):
                    t.NoDelay = value != 0;
                    return;
                case (SocketOptionLevel.Socket, SocketOptionName.KeepAlive):
                    t.KeepAlive = value != 0;
                    return;
                case (SocketOptionLevel.Socket, SocketOptionName.ReuseAddress):
                    t.ReuseAddress = value != 0;
                    return;
                case (SocketOptionLevel.Socket, SocketOptionName.ExclusiveAddressUse):
                    exclusiveAddressUse = value != 0;
                    t.ReuseAddress &= value == 0;
                    return;
                default:
                    throw socket.UnknownOption(level, name);
            }
        }

        protected override int GetProtocolOption(SocketOptionLevel level, SocketOptionName name)
        {
            TcpEndpoint t = Endpoint;
            return (level, name) switch
            {
                (SocketOptionLevel.Tcp, SocketOptionName.NoDelay) => t.NoDelay ? 1 : 0,
                (SocketOptionLevel.Socket, SocketOptionName.KeepAlive) => t.KeepAlive ? 1 : 0,
                (SocketOptionLevel.Socket, SocketOptionName.ReuseAddress) => t.ReuseAddress ? 1 : 0,
                (SocketOptionLevel.Socket, SocketOptionName.ExclusiveAddressUse) => (exclusiveAddressUse ?? true) && !t.ReuseAddress ? 1 : 0,
                (SocketOptionLevel.Socket, SocketOptionName.AcceptConnection) => t.IsListening ? 1 : 0,
                _ => throw socket.UnknownOption(level, name),
            };
        }
    }
}
