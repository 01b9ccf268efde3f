using System.Net;
using System.Net.Sockets;
using SimNet.Transport.Sockets;

namespace SimNet.Sockets;

public sealed partial class Socket
{
    /// <summary>
    /// The protocol's half of a <see cref="Socket"/>: one subclass per protocol (<see cref="UdpProtocol"/>,
    /// <see cref="TcpProtocol"/>), chosen once when the socket is made, so the public members do not branch
    /// on the protocol. It shapes the answers of the protocol's kernel core (<see cref="SocketCore"/>, which
    /// takes the world's lock and returns <see cref="SocketError"/>) into the real API: exceptions, the
    /// runtime's own object state (measured on Linux), blocking and async forms.
    /// </summary>
    /// <remarks>The public member checks its arguments and that the socket is open, then makes one virtual call here.</remarks>
    private abstract class SocketProtocol
    {
        protected SocketProtocol(Socket socket) => this.socket = socket;

        /// <summary>The socket this protocol shapes (its blocking mode, time-outs and disposed flag are the socket's).</summary>
        protected readonly Socket socket;

        /// <summary>Whether the runtime marked the object disconnected (after an error or a Shutdown); it then refuses a blocking reconnect.</summary>
        protected bool netDisconnected;

        /// <summary>The RemoteEndPoint the runtime cached at the first read that found a peer.</summary>
        protected IPEndPoint? netRemote;

        /// <summary>SO_EXCLUSIVEADDRUSE as last set (null: never set).</summary>
        protected bool? exclusiveAddressUse;

        /// <summary>The socket, for the operations of <c>Socket.Tasks.cs</c>.</summary>
        public Socket Owner => socket;

        /// <summary>The kernel side, which takes the world's lock.</summary>
        public abstract SocketCore Core { get; }

        /// <summary>The socket's IsBound (the socket is known to be open or, for UDP, may be closed).</summary>
        public abstract bool IsBound { get; }

        /// <summary>The socket's Connected while it is open.</summary>
        public abstract bool Connected { get; }

        /// <summary>LocalEndPoint as the runtime reports it.</summary>
        public abstract EndPoint? LocalEndPoint { get; }

        /// <summary>RemoteEndPoint as the runtime reports it.</summary>
        public abstract EndPoint? RemoteEndPoint { get; }

        /// <summary>FIONREAD.</summary>
        public abstract int Available { get; }

        public abstract void Bind(IPEndPoint local);

        public abstract void Listen(int backlog);

        public abstract void Shutdown(SocketShutdown how);

        /// <summary>Close(timeout) before the socket is disposed: only stream sockets have SO_LINGER.</summary>
        public virtual void SetCloseTimeout(int timeout)
        {
        }

        /// <summary>Before Dispose: a stream socket with SO_LINGER (true, n) waits for its data to be acknowledged.</summary>
        public virtual void Linger()
        {
        }

        /// <summary>Waits until <paramref name="deadline"/> (ticks of virtual time) for <paramref name="mode"/>.</summary>
        public abstract bool Poll(SelectMode mode, long deadline);

        /// <summary>Writes an option: those both protocols have here, the others in the protocol's table; runs under the core's lock (<c>SocketCore.Update</c>).</summary>
        public void SetIntOption(SocketOptionLevel level, SocketOptionName name, int value)
        {
            switch ((level, name))
            {
                case (SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer):
                    ReceiveBufferSize = Math.Max(Math.Min(Math.Max(value, 0), BufferSizeMax) * 2, MinReceiveBuffer); // Linux doubles the request
                    return;
                case (SocketOptionLevel.Socket, SocketOptionName.SendBuffer):
                    SendBufferSize = Math.Max(Math.Min(Math.Max(value, 0), BufferSizeMax) * 2, MinSendBuffer);
                    return;
                case (SocketOptionLevel.Socket, SocketOptionName.ReceiveTimeout):
                    socket.receiveTimeout = Math.Max(value, 0);
                    return;
                case (SocketOptionLevel.Socket, SocketOptionName.SendTimeout):
                    socket.sendTimeout = Math.Max(value, 0);
                    return;
                case (SocketOptionLevel.IPv6, SocketOptionName.IPv6Only) when socket.AddressFamily == AddressFamily.InterNetworkV6:
                    if (IsBoundInKernel)
                    {
                        throw SocketErrors.Exception(SocketError.InvalidArgument, "IPv6Only (DualMode) cannot change after Bind.");
                    }

                    DualModeInKernel = value == 0;
                    return;
                default:
                    SetProtocolOption(level, name, value);
                    return;
            }
        }

        /// <summary>Reads an option: those both protocols have here, the others from the protocol's table; runs under the core's lock (<c>SocketCore.Read</c>).</summary>
        public int GetIntOption(SocketOptionLevel level, SocketOptionName name) => (level, name) switch
        {
            (SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer) => ReceiveBufferSize,
            (SocketOptionLevel.Socket, SocketOptionName.SendBuffer) => SendBufferSize,
            (SocketOptionLevel.Socket, SocketOptionName.ReceiveTimeout) => socket.receiveTimeout,
            (SocketOptionLevel.Socket, SocketOptionName.SendTimeout) => socket.sendTimeout,
            (SocketOptionLevel.Socket, SocketOptionName.Error) => (int)TakePendingErrorInKernel(),
            (SocketOptionLevel.IPv6, SocketOptionName.IPv6Only) when socket.AddressFamily == AddressFamily.InterNetworkV6 => DualModeInKernel ? 0 : 1,
            _ => GetProtocolOption(level, name),
        };

        /// <summary>The protocol's own options (writes); under the lock.</summary>
        protected abstract void SetProtocolOption(SocketOptionLevel level, SocketOptionName name, int value);

        /// <summary>The protocol's own options (reads); under the lock.</summary>
        protected abstract int GetProtocolOption(SocketOptionLevel level, SocketOptionName name);

        /// <summary>The kernel endpoint, for the options both protocols have (read and written under the lock).</summary>
        protected abstract IKernelSocket KernelSocket { get; }

        private int ReceiveBufferSize { get => KernelSocket.ReceiveBufferSize; set => KernelSocket.ReceiveBufferSize = value; }

        private int SendBufferSize { get => KernelSocket.SendBufferSize; set => KernelSocket.SendBufferSize = value; }

        private bool DualModeInKernel { get => KernelSocket.DualMode; set => KernelSocket.DualMode = value; }

        private bool IsBoundInKernel => KernelSocket.IsBound;

        private SocketError TakePendingErrorInKernel() => KernelSocket.TakePendingError();

        /// <summary>A blocking (or non-blocking) Connect to an endpoint of the socket's family.</summary>
        public abstract void Connect(IPEndPoint remote);

        /// <summary>ConnectAsync(EndPoint, CancellationToken) after the argument checks (<paramref name="remoteEP"/> is not a DnsEndPoint).</summary>
        public abstract ValueTask ConnectAsync(EndPoint remoteEP, CancellationToken cancellationToken);

        /// <summary>Connects to the first of <paramref name="addresses"/> that works.</summary>
        public abstract ValueTask ConnectFirstAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken);

        /// <summary>The protocol's checks of ConnectAsync(SocketAsyncEventArgs) before the endpoint's family is checked.</summary>
        public virtual void ValidateArgsConnect()
        {
        }

        /// <summary>ConnectAsync(SocketAsyncEventArgs) to an IP endpoint, after StartOperation: true when pending.</summary>
        public abstract bool ConnectAsync(SocketAsyncEventArgs e, EndPoint remote);

        /// <summary>
        /// After a connect by name started with Success: true when the protocol goes on and raises Completed
        /// itself (a stream socket's handshake), false when the connect is complete now.
        /// </summary>
        public abstract bool ContinueArgsConnect(SocketAsyncEventArgs e);

        /// <summary>The listener for Accept, after the runtime's checks (a datagram socket fails with OperationNotSupported).</summary>
        public abstract TcpProtocol Acceptor();

        /// <summary>Send(ReadOnlySpan, SocketFlags) after the flags are checked.</summary>
        public abstract int Send(ReadOnlySpan<byte> buffer);

        /// <summary>SendAsync(ReadOnlyMemory, SocketFlags, CancellationToken) when not cancelled.</summary>
        public abstract ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, SocketFlags flags, CancellationToken cancellationToken);

        /// <summary>SendAsync(SocketAsyncEventArgs): true when pending.</summary>
        public abstract bool SendAsync(SocketAsyncEventArgs e);

        /// <summary>Receive(Span, SocketFlags).</summary>
        public abstract int Receive(Span<byte> buffer, SocketFlags flags);

        /// <summary>ReceiveAsync(Memory, SocketFlags, CancellationToken).</summary>
        public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer, SocketFlags flags, CancellationToken cancellationToken);

        /// <summary>A NetworkStream's ReadAsync (only stream sockets have a NetworkStream).</summary>
        public virtual ValueTask<int> StreamReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Only stream sockets have a NetworkStream.");

        /// <summary>A NetworkStream's WriteAsync (only stream sockets have a NetworkStream).</summary>
        public virtual ValueTask StreamWriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Only stream sockets have a NetworkStream.");

        /// <summary>ReceiveAsync(SocketAsyncEventArgs): true when pending.</summary>
        public abstract bool ReceiveAsync(SocketAsyncEventArgs e);

        /// <summary>The datagram protocol for an operation only datagram sockets have; a stream socket fails with OperationNotSupported.</summary>
        public abstract UdpProtocol AsDatagram(string what);

        /// <summary>The stream protocol for an option only stream sockets have; a datagram socket fails with ProtocolOption.</summary>
        public abstract TcpProtocol AsStream(string what);

        /// <summary>The socket as messages name it (a Poll's deadlock report).</summary>
        public override string ToString() => socket.ToString();
    }
}
