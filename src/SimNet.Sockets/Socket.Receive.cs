using System.Net;
using System.Net.Sockets;
using SimNet.Transport;

namespace SimNet.Sockets;

/// <summary>Receiving: Receive, ReceiveFrom, ReceiveMessageFrom and their async and SocketAsyncEventArgs forms.</summary>
public sealed partial class Socket
{
    /// <summary>Receives a datagram into <paramref name="buffer"/>.</summary>
    public int Receive(byte[] buffer) => Receive(buffer, SocketFlags.None);

    /// <summary>Receives a datagram into <paramref name="buffer"/>.</summary>
    public int Receive(byte[] buffer, SocketFlags socketFlags)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return Receive(buffer.AsSpan(), socketFlags);
    }

    /// <summary>Receives a datagram into the first <paramref name="size"/> bytes of <paramref name="buffer"/>.</summary>
    public int Receive(byte[] buffer, int size, SocketFlags socketFlags) => Receive(buffer, 0, size, socketFlags);

    /// <summary>Receives a datagram into <paramref name="buffer"/>[offset..offset+size).</summary>
    public int Receive(byte[] buffer, int offset, int size, SocketFlags socketFlags)
    {
        ValidateBuffer(buffer, offset, size);
        return Receive(buffer.AsSpan(offset, size), socketFlags);
    }

    /// <summary>Receives a datagram.</summary>
    public int Receive(Span<byte> buffer) => Receive(buffer, SocketFlags.None);

    /// <summary>
    /// Receives one datagram; one larger than the buffer is cut to the buffer's length and the rest
    /// discarded, without an error (Linux; Windows throws MessageSize).
    /// </summary>
    /// <exception cref="SocketException">WouldBlock (non-blocking, nothing queued); TimedOut after <see cref="ReceiveTimeout"/>; ConnectionRefused once after an ICMP port unreachable on a connected socket; Interrupted when closed while blocked.</exception>
    public int Receive(Span<byte> buffer, SocketFlags socketFlags) =>
        tcp is not null ? StreamReceive(buffer, socketFlags) : ReceiveCore(buffer, socketFlags, requireBound: false, "Receive").Length;

    /// <summary>Receives a datagram and who sent it.</summary>
    public int ReceiveFrom(byte[] buffer, ref EndPoint remoteEP) => ReceiveFrom(buffer, SocketFlags.None, ref remoteEP);

    /// <summary>Receives a datagram and who sent it.</summary>
    public int ReceiveFrom(byte[] buffer, SocketFlags socketFlags, ref EndPoint remoteEP)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return ReceiveFrom(buffer.AsSpan(), socketFlags, ref remoteEP);
    }

    /// <summary>Receives a datagram into the first <paramref name="size"/> bytes of <paramref name="buffer"/>.</summary>
    public int ReceiveFrom(byte[] buffer, int size, SocketFlags socketFlags, ref EndPoint remoteEP) =>
        ReceiveFrom(buffer, 0, size, socketFlags, ref remoteEP);

    /// <summary>Receives a datagram into <paramref name="buffer"/>[offset..offset+size) and who sent it.</summary>
    public int ReceiveFrom(byte[] buffer, int offset, int size, SocketFlags socketFlags, ref EndPoint remoteEP)
    {
        ValidateBuffer(buffer, offset, size);
        return ReceiveFrom(buffer.AsSpan(offset, size), socketFlags, ref remoteEP);
    }

    /// <summary>Receives a datagram and who sent it.</summary>
    public int ReceiveFrom(Span<byte> buffer, ref EndPoint remoteEP) => ReceiveFrom(buffer, SocketFlags.None, ref remoteEP);

    /// <summary>Receives a datagram and who sent it (an IPv4 sender appears IPv4-mapped on a dual-mode socket).</summary>
    /// <exception cref="InvalidOperationException">The socket is not bound.</exception>
    public int ReceiveFrom(Span<byte> buffer, SocketFlags socketFlags, ref EndPoint remoteEP)
    {
        ThrowIfDisposed();
        ValidateRemoteEndPoint(remoteEP);
        ReceivedDatagram d = ReceiveCore(buffer, socketFlags, requireBound: true, "ReceiveFrom");
        if (d.Source is not null)
        {
            remoteEP = RemoteFor(d.Source, d.SourcePort); // no datagram (receive side shut down): remoteEP stays as given (measured)
        }

        return d.Length;
    }

    /// <summary>Receives a datagram and writes its sender into <paramref name="receivedAddress"/>; allocates nothing.</summary>
    public int ReceiveFrom(Span<byte> buffer, SocketFlags socketFlags, SocketAddress receivedAddress)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(receivedAddress);
        if (!IsOwnFamily(receivedAddress))
        {
            throw new ArgumentException($"The socket address is {receivedAddress.Family} but the socket is {AddressFamily}.", nameof(receivedAddress));
        }

        if (receivedAddress.Size < SocketAddressSize)
        {
            // Checked before anything is taken off the queue, as the runtime does.
            throw new ArgumentOutOfRangeException(nameof(receivedAddress), receivedAddress.Size, $"{AddressFamily} needs a socket address of {SocketAddressSize} bytes.");
        }

        ReceivedDatagram d = ReceiveCore(buffer, socketFlags, requireBound: true, "ReceiveFrom");
        if (d.Source is not null)
        {
            WriteSocketAddress(receivedAddress, d.Source, d.SourcePort);
        }
        else
        {
            receivedAddress.Size = 0; // no datagram (receive side shut down): the kernel wrote an empty address (measured)
        }

        return d.Length;
    }

    /// <summary>Receives a datagram, who sent it, and where it arrived (destination address and adapter).</summary>
    public int ReceiveMessageFrom(byte[] buffer, int offset, int size, ref SocketFlags socketFlags, ref EndPoint remoteEP, out IPPacketInformation ipPacketInformation)
    {
        ValidateBuffer(buffer, offset, size);
        return ReceiveMessageFrom(buffer.AsSpan(offset, size), ref socketFlags, ref remoteEP, out ipPacketInformation);
    }

    /// <summary>
    /// Receives a datagram, who sent it, and where it arrived: the destination address (unicast,
    /// broadcast or group) and the adapter. <paramref name="socketFlags"/> gets Truncated when it did not fit.
    /// </summary>
    public int ReceiveMessageFrom(Span<byte> buffer, ref SocketFlags socketFlags, ref EndPoint remoteEP, out IPPacketInformation ipPacketInformation)
    {
        ThrowIfDisposed();
        ValidateRemoteEndPoint(remoteEP);
        ReceivedDatagram d = ReceiveCore(buffer, socketFlags, requireBound: true, "ReceiveMessageFrom");
        remoteEP = RemoteFor(d);
        ipPacketInformation = new IPPacketInformation(d.Destination, d.Adapter);
        socketFlags = d.Truncated ? SocketFlags.Truncated : SocketFlags.None;
        return d.Length;
    }

    private ReceivedDatagram ReceiveCore(Span<byte> buffer, SocketFlags flags, bool requireBound, string operation)
    {
        RequireDatagram(operation);
        ValidateFlags(flags, SupportedReceiveFlags);
        bool peek = (flags & SocketFlags.Peek) != 0;
        if (requireBound && !NetKnowsBinding)
        {
            throw new InvalidOperationException($"You must call the Bind method before performing this operation ({operation} on an unbound socket).");
        }

        long deadline = DeadlineFor(receiveTimeout);
        while (true)
        {
            ThrowIfDisposed();
            SocketError error = udpCore!.ReceiveOrTakeSeat(buffer, peek, blocking, deadline, out ReceivedDatagram d, out bool shutDown, out bool seated, out bool entered);
            if (error == SocketError.Success)
            {
                return d;
            }

            if (error != SocketError.WouldBlock)
            {
                NetAfterError(error);
                throw SocketErrors.Exception(error, $"{operation} on {core.Describe()}");
            }

            if (!blocking)
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

            bool ready = sim.WaitUntil(static s => s.disposed || s.udp!.HasDataOrError, this, deadline, static s => $"a blocking Receive on {s.udp!.Describe()}");
            if (disposed)
            {
                throw SocketErrors.Exception(SocketError.Interrupted, $"the socket was closed during a blocking {operation}");
            }

            if (!ready)
            {
                throw SocketErrors.Exception(SocketError.TimedOut, $"{operation} waited {receiveTimeout} ms of virtual time (ReceiveTimeout)");
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
        bool ready = sim.DriveUntil(static a => a.TryFinish(), attempt, deadline, static a => $"a blocking Receive on {a.Socket.udp!.Describe()}", entered);
        if (disposed)
        {
            throw SocketErrors.Exception(SocketError.Interrupted, $"the socket was closed during a blocking {operation}");
        }

        if (!ready)
        {
            throw SocketErrors.Exception(SocketError.TimedOut, $"{operation} waited {receiveTimeout} ms of virtual time (ReceiveTimeout)");
        }

        if (error is SocketError.Success or SocketError.WouldBlock)
        {
            return datagram; // WouldBlock here means Shutdown(Receive): Linux returns 0
        }

        throw SocketErrors.Exception(error, $"{operation} on {core.Describe()}");
    }

    /// <summary>A blocking receive's attempt, run by the driver under the lock after each step of the simulation.</summary>
    private readonly ref struct ReceiveAttempt
    {
        private readonly Span<byte> buffer;
        private readonly bool peek;
        private readonly ref SocketError error;
        private readonly ref ReceivedDatagram datagram;

        public ReceiveAttempt(Socket socket, Span<byte> buffer, bool peek, ref SocketError error, ref ReceivedDatagram datagram)
        {
            Socket = socket;
            this.buffer = buffer;
            this.peek = peek;
            this.error = ref error;
            this.datagram = ref datagram;
        }

        public Socket Socket { get; }

        /// <summary>True when the wait is over: a datagram taken, an error taken, the receive side shut, or the socket closed.</summary>
        public bool TryFinish()
        {
            UdpEndpoint u = Socket.udp!;
            if (Socket.disposed || !u.HasDataOrError)
            {
                return Socket.disposed;
            }

            error = u.TryReceive(buffer, peek, out datagram);
            return error != SocketError.WouldBlock || u.ShutdownReceive;
        }
    }

    /// <summary>Receives a datagram.</summary>
    public Task<int> ReceiveAsync(ArraySegment<byte> buffer, SocketFlags socketFlags) =>
        ReceiveAsync((Memory<byte>)buffer, socketFlags).AsTask();

    /// <summary>Receives a datagram.</summary>
    public Task<int> ReceiveAsync(ArraySegment<byte> buffer) => ReceiveAsync(buffer, SocketFlags.None);

    /// <summary>Receives a datagram.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    /// <summary>Receives a datagram; completes through the simulation's event queue when one arrives.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, SocketFlags socketFlags, CancellationToken cancellationToken = default) =>
        tcp is not null ? StreamReceiveAsync(buffer, socketFlags, cancellationToken) : StartReceive(buffer, socketFlags, requireBound: false, cancellationToken, null, static (_, d, _) => d.Length);

    /// <summary>Receives a datagram and who sent it.</summary>
    public Task<SocketReceiveFromResult> ReceiveFromAsync(ArraySegment<byte> buffer, SocketFlags socketFlags, EndPoint remoteEndPoint) =>
        ReceiveFromAsync((Memory<byte>)buffer, socketFlags, remoteEndPoint).AsTask();

    /// <summary>Receives a datagram and who sent it.</summary>
    public Task<SocketReceiveFromResult> ReceiveFromAsync(ArraySegment<byte> buffer, EndPoint remoteEndPoint) =>
        ReceiveFromAsync(buffer, SocketFlags.None, remoteEndPoint);

    /// <summary>Receives a datagram and who sent it.</summary>
    public ValueTask<SocketReceiveFromResult> ReceiveFromAsync(Memory<byte> buffer, EndPoint remoteEndPoint, CancellationToken cancellationToken = default) =>
        ReceiveFromAsync(buffer, SocketFlags.None, remoteEndPoint, cancellationToken);

    /// <summary>Receives a datagram and who sent it.</summary>
    public ValueTask<SocketReceiveFromResult> ReceiveFromAsync(Memory<byte> buffer, SocketFlags socketFlags, EndPoint remoteEndPoint, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ValidateRemoteEndPoint(remoteEndPoint);
        return StartReceive(buffer, socketFlags, requireBound: true, cancellationToken, remoteEndPoint, static (s, d, given) =>
            new SocketReceiveFromResult { ReceivedBytes = d.Length, RemoteEndPoint = s.RemoteFor(d, given) });
    }

    /// <summary>Receives a datagram, who sent it, and where it arrived.</summary>
    public ValueTask<SocketReceiveMessageFromResult> ReceiveMessageFromAsync(Memory<byte> buffer, SocketFlags socketFlags, EndPoint remoteEndPoint, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ValidateRemoteEndPoint(remoteEndPoint);
        return StartReceive(buffer, socketFlags, requireBound: true, cancellationToken, remoteEndPoint, static (s, d, given) => new SocketReceiveMessageFromResult
        {
            ReceivedBytes = d.Length,
            SocketFlags = d.Truncated ? SocketFlags.Truncated : SocketFlags.None,
            RemoteEndPoint = s.RemoteFor(d, given),
            PacketInformation = new IPPacketInformation(d.Destination, d.Adapter),
        });
    }

    /// <summary>Receives into the buffer of <paramref name="e"/>; true when pending (Completed is raised later on the simulation's thread).</summary>
    public bool ReceiveAsync(SocketAsyncEventArgs e) => tcp is not null && e is not null ? StreamReceiveAsync(e) : StartReceive(e!, SocketAsyncOperation.Receive, requireBound: false);

    /// <summary>Receives into the buffer of <paramref name="e"/> and sets its RemoteEndPoint to the sender.</summary>
    public bool ReceiveFromAsync(SocketAsyncEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.RemoteEndPoint is null)
        {
            throw new ArgumentException("The value of e.RemoteEndPoint cannot be null.", nameof(e));
        }

        return StartReceive(e, SocketAsyncOperation.ReceiveFrom, requireBound: true);
    }

    /// <summary>Receives into the buffer of <paramref name="e"/>, with the sender and where it arrived.</summary>
    public bool ReceiveMessageFromAsync(SocketAsyncEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.RemoteEndPoint is null)
        {
            throw new ArgumentException("The value of e.RemoteEndPoint cannot be null.", nameof(e));
        }

        return StartReceive(e, SocketAsyncOperation.ReceiveMessageFrom, requireBound: true);
    }

    private ValueTask<T> StartReceive<T>(Memory<byte> buffer, SocketFlags flags, bool requireBound, CancellationToken cancellationToken, EndPoint? given, Func<Socket, ReceivedDatagram, EndPoint?, T> project)
    {
        ThrowIfDisposed();
        RequireDatagram("ReceiveFromAsync");
        ValidateFlags(flags, SupportedReceiveFlags);
        if (requireBound && !NetKnowsBinding)
        {
            throw new InvalidOperationException("You must call the Bind method before performing this operation.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        return RunAsync(RentDatagramReceive<T>().With(buffer, flags, given, project), cancellationToken);
    }

    private bool StartReceive(SocketAsyncEventArgs e, SocketAsyncOperation operation, bool requireBound)
    {
        ThrowIfDisposed();
        RequireDatagram(operation.ToString());
        ArgumentNullException.ThrowIfNull(e);
        ValidateFlags(e.SocketFlags, SupportedReceiveFlags);
        if (requireBound && !NetKnowsBinding)
        {
            throw new InvalidOperationException("You must call the Bind method before performing this operation.");
        }

        e.StartOperation(operation);
        return RunArgs(new DatagramArgsReceive(this, e), e);
    }

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
        return RunArgs(op.With(e.Window, default, (e.SocketFlags & SocketFlags.Peek) != 0), e, static (s, e, result, error) => s.SetArgsResult(e, result, error, "a ReceiveAsync(SocketAsyncEventArgs)"));
    }
}
