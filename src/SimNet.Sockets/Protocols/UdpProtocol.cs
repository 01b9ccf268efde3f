using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Transport;
using SimNet.Transport.Sockets;

namespace SimNet.Sockets;

public sealed partial class Socket
{
    /// <summary>
    /// A datagram socket's protocol: the UDP answers of <see cref="UdpSocketCore"/>, and .NET's own view of
    /// a UDP socket, which System.Net.Sockets keeps above the kernel's and which users see (measured on
    /// Linux with .NET 10 by the differential suite): whether the object thinks it is connected or was
    /// disconnected, a non-blocking connect it has not yet confirmed, and the remote endpoint it caches on first read.
    /// </summary>
    private sealed class UdpProtocol : SocketProtocol
    {
        private readonly UdpSocketCore kernel;
        private bool netConnected;
        private bool netConnectPending;
        private bool netHidesBinding;
        private int multicastInterfaceRaw;
        private bool packetInformation;

        // The socket's reusable async receive (one per result type, as the runtime keeps one awaitable per direction).
        private object? pendingReceive;

        public UdpProtocol(Socket socket, Host host, AddressFamily family)
            : base(socket) => kernel = new UdpSocketCore(host, family);

        public override SocketCore Core => kernel;

        public UdpSocketCore Kernel => kernel;

        /// <summary>The kernel endpoint: read it only inside <see cref="SocketCore.Read"/>, a wait condition or a waiter's step.</summary>
        public UdpEndpoint Endpoint => kernel.Endpoint;

        /// <summary>Like the real socket (measured), it stays true after Dispose.</summary>
        public override bool IsBound => NetKnowsBinding;

        public override bool Connected => Endpoint.IsConnected;

        /// <summary>Whether .NET knows the socket is bound (its _rightEndPoint): ReceiveFrom needs it, else InvalidOperationException.</summary>
        private bool NetKnowsBinding => Endpoint.IsBound && !netHidesBinding;

        public override int Available => kernel.Available;

        public override UdpProtocol AsDatagram(string what) => this;

        public override TcpProtocol AsStream(string what) =>
            throw SocketErrors.Exception(SocketError.ProtocolOption, $"{what} is an option of stream sockets.");

        public override TcpProtocol Acceptor() =>
            throw SocketErrors.Exception(SocketError.OperationNotSupported, "Accept is for stream sockets; this is a datagram socket.");

        public override void Bind(IPEndPoint local) =>
            SocketErrors.ThrowIfFailed(kernel.Bind(local.Address, local.Port), $"binding {local} on {socket.Host.Name}");

        public override void Listen(int backlog) =>
            throw SocketErrors.Exception(SocketError.OperationNotSupported, "Listen is for stream sockets; this is a datagram socket.");

        public override void Shutdown(SocketShutdown how)
        {
            try
            {
                NetShutdown(how);
            }
            finally
            {
                socket.sim.WakeDriver();
            }
        }

        /// <summary>The UDP LocalEndPoint as .NET reports it.</summary>
        public override EndPoint? LocalEndPoint
        {
            get
            {
                NetConfirmPending();
                (IPAddress? address, int port) = kernel.Read(Endpoint, static u => (u.LocalAddress, u.LocalPort));
                return address is not null && !netHidesBinding ? new IPEndPoint(address, port) : null;
            }
        }

        /// <summary>
        /// The UDP RemoteEndPoint as .NET reports it: the endpoint cached at the first read (a second Connect
        /// does not change it); null when the object does not think it is connected; NotConnected (which
        /// disconnects the object) when it thinks so but the kernel has no peer.
        /// </summary>
        public override EndPoint? RemoteEndPoint
        {
            get
            {
                if (netRemote is not null)
                {
                    return netRemote;
                }

                NetConfirmPending();
                (IPAddress? peer, int port) = kernel.Read(Endpoint, static u => (u.RemoteAddress, u.RemotePort));
                bool thinksConnected = netConnected || (peer is not null && !netDisconnected);
                if (!thinksConnected)
                {
                    return null;
                }

                if (peer is null)
                {
                    NetAfterError(SocketError.NotConnected);
                    throw SocketErrors.Exception(SocketError.NotConnected, "The socket is not connected.");
                }

                return netRemote = new IPEndPoint(peer, port);
            }
        }

        public override bool Poll(SelectMode mode, long deadline) => mode switch
        {
            SelectMode.SelectWrite => true,
            // POLLIN only: a pending ICMP error sets POLLERR, which Poll(SelectRead) does not count (measured).
            SelectMode.SelectRead => socket.PollFor(static p => p.socket.disposed || p.Endpoint.QueuedCount > 0 || p.Endpoint.ShutdownReceive, this, deadline),
            SelectMode.SelectError => socket.PollFor(static p => p.Endpoint.PendingError != SocketError.Success, this, deadline),
            _ => socket.PollForNothing(deadline),
        };

        // Connecting.
        public override void Connect(IPEndPoint remote) => Connect(remote, async: false);

        private void Connect(IPEndPoint remote, bool async)
        {
            socket.ThrowIfDisposed();
            NetBeforeConnect(async);
            SocketError error = kernel.Connect(remote.Address, remote.Port, via: null, out bool wasBound);
            NetAfterConnect(error, wasBound);
            SocketErrors.ThrowIfFailed(error, $"connecting to {remote} from {socket.Host.Name}");
        }

        public override ValueTask ConnectAsync(EndPoint remoteEP, CancellationToken cancellationToken)
        {
            try
            {
                Connect(socket.ToIPEndPoint(remoteEP, nameof(remoteEP)), async: true);
                return ValueTask.CompletedTask;
            }
            catch (SocketException e)
            {
                return ValueTask.FromException(e);
            }
        }

        public override ValueTask ConnectFirstAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
        {
            try
            {
                socket.ConnectFirst(addresses, port);
                return ValueTask.CompletedTask;
            }
            catch (SocketException e)
            {
                return ValueTask.FromException(e);
            }
        }

        public override bool ConnectAsync(SocketAsyncEventArgs e, EndPoint remote)
        {
            e.SocketError = socket.TryConnectCore(socket.ToIPEndPointForAsync(remote));
            e.FinishSynchronously();
            return false;
        }

        public override bool ContinueArgsConnect(SocketAsyncEventArgs e) => false;

        /// <summary>
        /// Before a UDP Connect: .NET refuses to reconnect an object it marked disconnected, and remembers a
        /// non-blocking attempt. ConnectAsync does neither (measured: after one that failed, LocalEndPoint of
        /// a socket that was unbound stays null and RemoteEndPoint is null, as after a blocking Connect).
        /// </summary>
        private void NetBeforeConnect(bool async)
        {
            if (async)
            {
                netConnectPending = false;
                return;
            }

            if (netDisconnected)
            {
                throw new InvalidOperationException("Once the socket has been disconnected, you can only reconnect again asynchronously, and only to a different EndPoint.");
            }

            netConnectPending = !socket.blocking;
        }

        /// <summary>After a UDP Connect: success marks the object connected; a failure of a blocking connect on an unbound socket leaves .NET not knowing the kernel bound it (LocalEndPoint stays null).</summary>
        private void NetAfterConnect(SocketError error, bool wasBound)
        {
            if (error == SocketError.Success)
            {
                netConnectPending = false;
                netConnected = true;
                netDisconnected = false;
                netHidesBinding = false;
                return;
            }

            NetAfterError(error);
            netHidesBinding = !wasBound && !netConnectPending;
        }

        /// <summary>.NET's UpdateStatusAfterSocketError: an error other than WouldBlock, IOPending, NoBufferSpaceAvailable or TimedOut disconnects a connected object.</summary>
        private void NetAfterError(SocketError error)
        {
            if (netConnected && error is not (SocketError.Success or SocketError.WouldBlock or SocketError.IOPending or SocketError.NoBufferSpaceAvailable or SocketError.TimedOut))
            {
                netConnected = false;
                netDisconnected = true;
            }
        }

        /// <summary>After a SendTo: Linux bound the socket even if the send then failed, but .NET learns of the binding only from a send that worked.</summary>
        private void NetAfterSend(SocketError error, bool wasBound)
        {
            NetAfterError(error);
            if (error == SocketError.Success)
            {
                netHidesBinding = false;
            }
            else if (!wasBound)
            {
                netHidesBinding = true;
            }
        }

        /// <summary>Reading an endpoint confirms a pending non-blocking connect: a UDP socket is always writable, so .NET takes it as connected.</summary>
        private void NetConfirmPending()
        {
            if (netConnectPending)
            {
                netConnectPending = false;
                netConnected = true;
                netHidesBinding = false;
            }
        }

        /// <summary>
        /// UDP Shutdown: Linux marks the directions shut even on an unconnected socket and then answers
        /// NotConnected; .NET ignores that error for an object it thinks is or was connected, and marks it disconnected.
        /// </summary>
        private void NetShutdown(SocketShutdown how)
        {
            bool kernelConnected = kernel.Shutdown(how is SocketShutdown.Send or SocketShutdown.Both, how is SocketShutdown.Receive or SocketShutdown.Both) == SocketError.Success;
            if (!kernelConnected && !(netConnected || netDisconnected))
            {
                throw SocketErrors.Exception(SocketError.NotConnected, "Shutdown needs a connected socket (the directions are marked shut all the same, as on Linux).");
            }

            if (netConnected || (kernelConnected && !netDisconnected))
            {
                netConnected = false;
                netDisconnected = true;
            }
        }

        // Sending.
        public override int Send(ReadOnlySpan<byte> buffer)
        {
            SocketError error = kernel.Send(buffer, out bool wasBound);
            if (error == SocketError.DestinationAddressRequired)
            {
                // Linux binds the socket before it finds there is no peer; .NET does not learn of it.
                NetAfterSend(error, wasBound);
                throw SocketErrors.Exception(error, "Send needs a connected socket; use SendTo or Connect first.");
            }

            NetAfterError(error);
            if (error != SocketError.Success)
            {
                throw SocketErrors.Exception(error, $"sending {buffer.Length} bytes on {kernel.Describe()}");
            }

            return buffer.Length;
        }

        /// <summary>Sends one datagram to <paramref name="address"/>:<paramref name="port"/> (the synchronous path: no allocation).</summary>
        public int SendTo(ReadOnlySpan<byte> buffer, IPAddress address, int port)
        {
            socket.ThrowIfDisposed();
            SocketError error = kernel.SendTo(buffer, address, port, via: null, out bool wasBound);
            NetAfterSend(error, wasBound);
            if (error != SocketError.Success)
            {
                throw SocketErrors.Exception(error, $"sending {buffer.Length} bytes to {SocketErrors.Format(address, port)} from {socket.Host.Name}");
            }

            return buffer.Length;
        }

        public override ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, SocketFlags flags, CancellationToken cancellationToken)
        {
            try
            {
                return new ValueTask<int>(socket.Send(buffer.Span, flags));
            }
            catch (SocketException e)
            {
                return ValueTask.FromException<int>(e);
            }
        }

        /// <summary>SendToAsync(SocketAsyncEventArgs) after the checks: UDP completes synchronously (false).</summary>
        public bool SendToAsync(SocketAsyncEventArgs e, IPEndPoint remote)
        {
            e.StartOperation(SocketAsyncOperation.SendTo);
            e.SocketError = socket.disposed ? SocketError.OperationAborted : kernel.SendTo(e.Window.Span, remote.Address, remote.Port, via: null, out _);
            e.BytesTransferred = e.SocketError == SocketError.Success ? e.Count : 0;
            e.FinishSynchronously();
            return false;
        }

        public override bool SendAsync(SocketAsyncEventArgs e)
        {
            e.StartOperation(SocketAsyncOperation.Send);
            e.SocketError = socket.disposed ? SocketError.OperationAborted : kernel.Send(e.Window.Span, out _);
            e.BytesTransferred = e.SocketError == SocketError.Success ? e.Count : 0;
            e.FinishSynchronously();
            return false;
        }

        // Receiving.
        public override int Receive(Span<byte> buffer, SocketFlags flags) => Receive(buffer, flags, requireBound: false, "Receive").Length;

        /// <summary>A blocking (or non-blocking) receive of one datagram.</summary>
        public ReceivedDatagram Receive(Span<byte> buffer, SocketFlags flags, bool requireBound, string operation)
        {
            ValidateFlags(flags, SupportedReceiveFlags);
            bool peek = (flags & SocketFlags.Peek) != 0;
            if (requireBound && !NetKnowsBinding)
            {
                throw new InvalidOperationException($"You must call the Bind method before performing this operation ({operation} on an unbound socket).");
            }

            long deadline = socket.DeadlineFor(socket.receiveTimeout);
            while (true)
            {
                socket.ThrowIfDisposed();
                SocketError error = kernel.ReceiveOrTakeSeat(buffer, peek, socket.blocking, deadline, out ReceivedDatagram d, out bool shutDown, out bool seated, out bool entered);
                if (error == SocketError.Success)
                {
                    return d;
                }

                if (error != SocketError.WouldBlock)
                {
                    NetAfterError(error);
                    throw SocketErrors.Exception(error, $"{operation} on {kernel.Describe()}");
                }

                if (!socket.blocking)
                {
                    // Also after SHUT_RD: a non-blocking receive with nothing queued is EAGAIN (measured in a namespace).
                    throw SocketErrors.Exception(SocketError.WouldBlock, $"{operation} on a non-blocking socket with nothing queued");
                }

                if (shutDown)
                {
                    return default; // Linux: a blocking receive after SHUT_RD returns 0
                }

                if (seated)
                {
                    return DriveReceive(buffer, peek, deadline, entered, operation);
                }

                bool ready = socket.sim.WaitUntil(static p => p.socket.disposed || p.Endpoint.HasDataOrError, this, deadline, static p => $"a blocking Receive on {p.Endpoint.Describe()}");
                if (socket.disposed)
                {
                    throw SocketErrors.Exception(SocketError.Interrupted, $"the socket was closed during a blocking {operation}");
                }

                if (!ready)
                {
                    throw SocketErrors.Exception(SocketError.TimedOut, $"{operation} waited {socket.receiveTimeout} ms of virtual time (ReceiveTimeout)");
                }
            }
        }

        /// <summary>
        /// The blocking receive of the thread that drives: it pumps the simulation and takes the datagram
        /// in the same lock that sees it arrive, instead of waking and locking again to take it.
        /// </summary>
        private ReceivedDatagram DriveReceive(Span<byte> buffer, bool peek, long deadline, bool entered, string operation)
        {
            SocketError error = SocketError.WouldBlock;
            ReceivedDatagram datagram = default;
            var attempt = new ReceiveAttempt(this, buffer, peek, ref error, ref datagram);
            bool ready = socket.sim.DriveUntil(static a => a.TryFinish(), attempt, deadline, static a => $"a blocking Receive on {a.Protocol.Endpoint.Describe()}", entered);
            if (socket.disposed)
            {
                throw SocketErrors.Exception(SocketError.Interrupted, $"the socket was closed during a blocking {operation}");
            }

            if (!ready)
            {
                throw SocketErrors.Exception(SocketError.TimedOut, $"{operation} waited {socket.receiveTimeout} ms of virtual time (ReceiveTimeout)");
            }

            if (error is SocketError.Success or SocketError.WouldBlock)
            {
                return datagram; // WouldBlock here means Shutdown(Receive): Linux returns 0
            }

            throw SocketErrors.Exception(error, $"{operation} on {kernel.Describe()}");
        }

        /// <summary>A blocking receive's attempt, run by the driver under the lock after each step of the simulation.</summary>
        private readonly ref struct ReceiveAttempt
        {
            private readonly Span<byte> buffer;
            private readonly bool peek;
            private readonly ref SocketError error;
            private readonly ref ReceivedDatagram datagram;

            public ReceiveAttempt(UdpProtocol protocol, Span<byte> buffer, bool peek, ref SocketError error, ref ReceivedDatagram datagram)
            {
                Protocol = protocol;
                this.buffer = buffer;
                this.peek = peek;
                this.error = ref error;
                this.datagram = ref datagram;
            }

            public UdpProtocol Protocol { get; }

            /// <summary>True when the wait is over: a datagram taken, an error taken, the receive side shut, or the socket closed.</summary>
            public bool TryFinish()
            {
                UdpEndpoint u = Protocol.Endpoint;
                bool disposed = Protocol.socket.disposed;
                if (disposed || !u.HasDataOrError)
                {
                    return disposed;
                }

                error = u.TryReceive(buffer, peek, out datagram);
                return error != SocketError.WouldBlock || u.ShutdownReceive;
            }
        }

        public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, SocketFlags flags, CancellationToken cancellationToken) =>
            StartReceive(buffer, flags, requireBound: false, cancellationToken, null, static (_, d, _) => d.Length);

        /// <summary>An async receive of one datagram, projected to the result type (bytes, ReceiveFrom, ReceiveMessageFrom).</summary>
        public ValueTask<T> StartReceive<T>(Memory<byte> buffer, SocketFlags flags, bool requireBound, CancellationToken cancellationToken, EndPoint? given, Func<Socket, ReceivedDatagram, EndPoint?, T> project)
        {
            socket.ThrowIfDisposed();
            ValidateFlags(flags, SupportedReceiveFlags);
            if (requireBound && !NetKnowsBinding)
            {
                throw new InvalidOperationException("You must call the Bind method before performing this operation.");
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<T>(cancellationToken);
            }

            return RunAsync(RentReceive<T>().With(buffer, flags, given, project), cancellationToken);
        }

        /// <summary>The socket's idle UDP receive of result type <typeparamref name="T"/>, or a new one.</summary>
        private DatagramReceive<T> RentReceive<T>()
        {
            if (pendingReceive is DatagramReceive<T> { IsIdle: true } idle)
            {
                return idle;
            }

            var op = new DatagramReceive<T>(this);
            pendingReceive = op;
            return op;
        }

        public override bool ReceiveAsync(SocketAsyncEventArgs e) => StartReceive(e, SocketAsyncOperation.Receive, requireBound: false);

        /// <summary>A SocketAsyncEventArgs receive of one datagram: true when pending.</summary>
        public bool StartReceive(SocketAsyncEventArgs e, SocketAsyncOperation operation, bool requireBound)
        {
            ValidateFlags(e.SocketFlags, SupportedReceiveFlags);
            if (requireBound && !NetKnowsBinding)
            {
                throw new InvalidOperationException("You must call the Bind method before performing this operation.");
            }

            e.StartOperation(operation);
            return RunArgs(new DatagramArgsReceive(this, e), e);
        }

        /// <summary>Joins or leaves <paramref name="group"/> on <paramref name="adapter"/>.</summary>
        public SocketError Membership(bool join, IPAddress group, NetworkAdapter adapter) => kernel.Membership(join, group, adapter);

        // Options.
        protected override IKernelSocket KernelSocket => Endpoint;

        protected override void SetProtocolOption(SocketOptionLevel level, SocketOptionName name, int value)
        {
            UdpEndpoint u = Endpoint;
            switch ((level, name))
            {
                case (SocketOptionLevel.Socket, SocketOptionName.Broadcast):
                    u.Broadcast = value != 0;
                    return;
                case (SocketOptionLevel.Socket, SocketOptionName.ReuseAddress):
                    u.ReuseAddress = value != 0;
                    return;
                case (SocketOptionLevel.Socket, SocketOptionName.ExclusiveAddressUse):
                    exclusiveAddressUse = value != 0;
                    if (value != 0)
                    {
                        u.ReuseAddress = false;
                    }

                    return;
                case (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.IpTimeToLive):
                    socket.RequireLevel(level);
                    // IP_TTL takes 1..255; IPV6_UNICAST_HOPS also takes 0 (measured: Ttl = 0 works on an IPv6 socket).
                    u.TimeToLive = value == -1 ? 64 : value >= (level == SocketOptionLevel.IPv6 ? 0 : 1) && value <= 255 ? value : throw SocketErrors.Exception(SocketError.InvalidArgument, $"a TTL must be 1 to 255 (0 to 255 for IPv6, or -1 for the default), not {value}.");
                    return;
                case (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive):
                    socket.RequireLevel(level);
                    u.MulticastTimeToLive = value == -1 ? 1 : value is >= 0 and <= 255 ? value : throw SocketErrors.Exception(SocketError.InvalidArgument, $"a multicast TTL must be 0 to 255, not {value}.");
                    return;
                case (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback):
                    socket.RequireLevel(level);
                    u.MulticastLoopback = value != 0;
                    return;
                case (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.DontFragment):
                    socket.RequireLevel(level);
                    u.DontFragment = value != 0;
                    return;
                case (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.PacketInformation):
                    packetInformation = value != 0; // SimNet always knows where a datagram arrived; kept for GetSocketOption
                    return;
                case (SocketOptionLevel.IP, SocketOptionName.MulticastInterface):
                    u.MulticastInterface = socket.MulticastInterfaceFromIPv4Option(value);
                    multicastInterfaceRaw = value;
                    return;
                case (SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface):
                    if (value != 0 && socket.Host.FindAdapter(value) is null)
                    {
                        throw SocketErrors.Exception(SocketError.AddressNotAvailable, $"{socket.Host.Name} has no interface with index {value}.");
                    }

                    u.MulticastInterface = value;
                    multicastInterfaceRaw = value;
                    return;
                case (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.AddMembership or SocketOptionName.DropMembership):
                    // The kernel gets 4 bytes where it wants an ip_mreq: EINVAL (measured).
                    throw SocketErrors.Exception(SocketError.InvalidArgument, $"{name} takes a {nameof(MulticastOption)}, not an integer.");
                case (SocketOptionLevel.Tcp, _):
                    throw SocketErrors.Exception(SocketError.OperationNotSupported, $"{level}/{name}: a {socket.ProtocolType} socket has no TCP options.");
                default:
                    throw socket.UnknownOption(level, name);
            }
        }

        protected override int GetProtocolOption(SocketOptionLevel level, SocketOptionName name)
        {
            UdpEndpoint u = Endpoint;
            return (level, name) switch
            {
                (SocketOptionLevel.Socket, SocketOptionName.Broadcast) => u.Broadcast ? 1 : 0,
                (SocketOptionLevel.Socket, SocketOptionName.ReuseAddress) => u.ReuseAddress ? 1 : 0,
                (SocketOptionLevel.Socket, SocketOptionName.ExclusiveAddressUse) => (exclusiveAddressUse ?? !u.ReuseAddress) && !u.ReuseAddress ? 1 : 0,
                (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.IpTimeToLive) => socket.RequireLevel(level, u.TimeToLive),
                (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive) => socket.RequireLevel(level, u.MulticastTimeToLive),
                (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback) => socket.RequireLevel(level, u.MulticastLoopback ? 1 : 0),
                (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.DontFragment) => socket.RequireLevel(level, u.DontFragment ? 1 : 0),
                (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.PacketInformation) => packetInformation ? 1 : 0,
                (SocketOptionLevel.IP or SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface) => multicastInterfaceRaw,
                (SocketOptionLevel.Tcp, _) => throw SocketErrors.Exception(SocketError.OperationNotSupported, $"{level}/{name}: a {socket.ProtocolType} socket has no TCP options."),
                _ => throw socket.UnknownOption(level, name),
            };
        }
    }
}
