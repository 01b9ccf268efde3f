using System.Threading.Tasks.Sources;
using SimNet.Kernel;
using System.Net;
using System.Net.Sockets;
using SimNet.Transport;

namespace SimNet.Sockets;

public sealed partial class Socket
{
    private const SocketFlags SupportedReceiveFlags = SocketFlags.Peek;
    private const SocketFlags SupportedSendFlags = SocketFlags.DontRoute;

    // The last SocketAddress destination and its parsed address, so a loop of SendTo(span, flags, SocketAddress)
    // to the same peer allocates nothing.
    private byte[]? lastDestinationBytes;
    private IPAddress? lastDestination;

    // The raw sa_family bytes that SocketAddress.Family reported as this socket's family (see IsOwnFamily).
    private ushort ownFamilyRaw;
    private bool ownFamilyRawKnown;

    // ------------------------------------------------------------------ send

    /// <summary>Sends a datagram to the connected endpoint.</summary>
    public int Send(byte[] buffer) => Send(buffer, SocketFlags.None);

    /// <summary>Sends a datagram to the connected endpoint.</summary>
    public int Send(byte[] buffer, SocketFlags socketFlags)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return Send(buffer.AsSpan(), socketFlags);
    }

    /// <summary>Sends <paramref name="size"/> bytes of <paramref name="buffer"/> as one datagram.</summary>
    public int Send(byte[] buffer, int size, SocketFlags socketFlags) => Send(buffer, 0, size, socketFlags);

    /// <summary>Sends <paramref name="buffer"/>[offset..offset+size) as one datagram to the connected endpoint.</summary>
    public int Send(byte[] buffer, int offset, int size, SocketFlags socketFlags)
    {
        ValidateBuffer(buffer, offset, size);
        return Send(buffer.AsSpan(offset, size), socketFlags);
    }

    /// <summary>Sends a datagram to the connected endpoint.</summary>
    public int Send(ReadOnlySpan<byte> buffer) => Send(buffer, SocketFlags.None);

    /// <summary>Sends a datagram to the connected endpoint.</summary>
    /// <exception cref="SocketException">DestinationAddressRequired when not connected; Shutdown after Shutdown(Send); ConnectionRefused once after an ICMP port unreachable; MessageSize.</exception>
    public int Send(ReadOnlySpan<byte> buffer, SocketFlags socketFlags)
    {
        ThrowIfDisposed();
        ValidateFlags(socketFlags, SupportedSendFlags);
        if (tcp is not null)
        {
            return StreamSend(buffer);
        }

        lock (sim.Gate)
        {
            if (!udp!.IsConnected)
            {
                // Linux binds the socket before it finds there is no peer; .NET does not learn of it.
                NetAfterSend(SocketError.DestinationAddressRequired, udp.IsBound);
                udp.AutoBindWildcard();
                throw SocketErrors.Exception(SocketError.DestinationAddressRequired, "Send needs a connected socket; use SendTo or Connect first.");
            }

            SocketError error = udp.SendTo(buffer, udp.RemoteAddress!, udp.RemotePort);
            NetAfterError(error);
            SocketErrors.ThrowIfFailed(error, $"sending {buffer.Length} bytes to {udp.RemoteAddress}:{udp.RemotePort}");
            return buffer.Length;
        }
    }

    /// <summary>Sends a datagram to <paramref name="remoteEP"/>.</summary>
    public int SendTo(byte[] buffer, EndPoint remoteEP) => SendTo(buffer, SocketFlags.None, remoteEP);

    /// <summary>Sends a datagram to <paramref name="remoteEP"/>.</summary>
    public int SendTo(byte[] buffer, SocketFlags socketFlags, EndPoint remoteEP)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return SendTo(buffer.AsSpan(), socketFlags, remoteEP);
    }

    /// <summary>Sends <paramref name="size"/> bytes of <paramref name="buffer"/> to <paramref name="remoteEP"/>.</summary>
    public int SendTo(byte[] buffer, int size, SocketFlags socketFlags, EndPoint remoteEP) => SendTo(buffer, 0, size, socketFlags, remoteEP);

    /// <summary>Sends <paramref name="buffer"/>[offset..offset+size) to <paramref name="remoteEP"/>.</summary>
    public int SendTo(byte[] buffer, int offset, int size, SocketFlags socketFlags, EndPoint remoteEP)
    {
        ValidateBuffer(buffer, offset, size);
        return SendTo(buffer.AsSpan(offset, size), socketFlags, remoteEP);
    }

    /// <summary>Sends a datagram to <paramref name="remoteEP"/>.</summary>
    public int SendTo(ReadOnlySpan<byte> buffer, EndPoint remoteEP) => SendTo(buffer, SocketFlags.None, remoteEP);

    /// <summary>
    /// Sends one datagram to <paramref name="remoteEP"/>, binding to 0.0.0.0:ephemeral first if unbound.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="remoteEP"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="remoteEP"/> is a DnsEndPoint.</exception>
    /// <exception cref="SocketException">AddressFamilyNotSupported for the wrong family; AccessDenied for a broadcast without <see cref="EnableBroadcast"/>; MessageSize over 65,507 bytes (IPv4) or over the MTU with DontFragment; NetworkUnreachable.</exception>
    public int SendTo(ReadOnlySpan<byte> buffer, SocketFlags socketFlags, EndPoint remoteEP)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(remoteEP);
        ValidateFlags(socketFlags, SupportedSendFlags);
        IPEndPoint ep = ToIPEndPoint(remoteEP, nameof(remoteEP), SocketError.NetworkUnreachable);
        return SendToCore(buffer, ep.Address, ep.Port);
    }

    /// <summary>Sends a datagram to the address in <paramref name="socketAddress"/>; repeated sends to one address allocate nothing.</summary>
    public int SendTo(ReadOnlySpan<byte> buffer, SocketFlags socketFlags, SocketAddress socketAddress)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(socketAddress);
        ValidateFlags(socketFlags, SupportedSendFlags);
        if (!IsOwnFamily(socketAddress))
        {
            throw SocketErrors.Exception(SocketError.AddressFamilyNotSupported, $"The socket address is {socketAddress.Family} but the socket is {AddressFamily}.");
        }

        if (socketAddress.Size < SocketAddressSize)
        {
            // Linux sendto with an address length below the family's sockaddr: EINVAL.
            throw SocketErrors.Exception(SocketError.InvalidArgument, $"The socket address is {socketAddress.Size} bytes; {AddressFamily} needs {SocketAddressSize}.");
        }

        ReadOnlySpan<byte> raw = socketAddress.Buffer.Span[..socketAddress.Size];
        int port = (raw[2] << 8) | raw[3];
        ReadOnlySpan<byte> addressBytes = AddressFamily == AddressFamily.InterNetwork ? raw.Slice(4, 4) : raw.Slice(8, 16);
        if (lastDestination is null || !addressBytes.SequenceEqual(lastDestinationBytes))
        {
            lastDestinationBytes = addressBytes.ToArray();
            lastDestination = new IPAddress(addressBytes);
        }

        return SendToCore(buffer, lastDestination, port);
    }

    private int SendToCore(ReadOnlySpan<byte> buffer, IPAddress address, int port)
    {
        RequireDatagram("SendTo");
        lock (sim.Gate)
        {
            ThrowIfDisposed();
            bool wasBound = udp!.IsBound;
            SocketError error = udp.SendTo(buffer, address, port);
            NetAfterSend(error, wasBound);
            if (error != SocketError.Success)
            {
                throw SocketErrors.Exception(error, $"sending {buffer.Length} bytes to {SocketErrors.Format(address, port)} from {Host.Name}");
            }

            return buffer.Length;
        }
    }

    /// <summary>Sends a datagram to the connected endpoint; UDP sends complete at once.</summary>
    public Task<int> SendAsync(ArraySegment<byte> buffer, SocketFlags socketFlags) =>
        SendAsync((ReadOnlyMemory<byte>)buffer, socketFlags).AsTask();

    /// <summary>Sends a datagram to the connected endpoint.</summary>
    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        SendAsync(buffer, SocketFlags.None, cancellationToken);

    /// <summary>Sends a datagram to the connected endpoint.</summary>
    public ValueTask<int> SendAsync(ReadOnlyMemory<byte> buffer, SocketFlags socketFlags, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        if (tcp is not null)
        {
            return StreamSendAllAsync(buffer, cancellationToken);
        }

        try
        {
            return new ValueTask<int>(Send(buffer.Span, socketFlags));
        }
        catch (SocketException e)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    /// <summary>Sends a datagram to <paramref name="remoteEP"/>.</summary>
    public Task<int> SendToAsync(ArraySegment<byte> buffer, SocketFlags socketFlags, EndPoint remoteEP) =>
        SendToAsync((ReadOnlyMemory<byte>)buffer, socketFlags, remoteEP).AsTask();

    /// <summary>Sends a datagram to <paramref name="remoteEP"/>.</summary>
    public ValueTask<int> SendToAsync(ReadOnlyMemory<byte> buffer, EndPoint remoteEP, CancellationToken cancellationToken = default) =>
        SendToAsync(buffer, SocketFlags.None, remoteEP, cancellationToken);

    /// <summary>Sends a datagram to <paramref name="remoteEP"/>.</summary>
    public ValueTask<int> SendToAsync(ReadOnlyMemory<byte> buffer, SocketFlags socketFlags, EndPoint remoteEP, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(remoteEP);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        try
        {
            return new ValueTask<int>(SendTo(buffer.Span, socketFlags, remoteEP));
        }
        catch (SocketException e)
        {
            return ValueTask.FromException<int>(e);
        }
    }

    /// <summary>Sends the buffer of <paramref name="e"/> to its RemoteEndPoint; UDP completes synchronously (returns false).</summary>
    public bool SendToAsync(SocketAsyncEventArgs e)
    {
        ThrowIfDisposed();
        RequireDatagram("SendToAsync");
        ArgumentNullException.ThrowIfNull(e);
        if (e.RemoteEndPoint is null)
        {
            throw new ArgumentException("The value of e.RemoteEndPoint cannot be null.", nameof(e));
        }

        IPEndPoint ep = ToIPEndPoint(e.RemoteEndPoint, nameof(e), SocketError.NetworkUnreachable);
        e.StartOperation(SocketAsyncOperation.SendTo);
        lock (sim.Gate)
        {
            e.SocketError = disposed ? SocketError.OperationAborted : udp!.SendTo(e.Window.Span, ep.Address, ep.Port);
            e.BytesTransferred = e.SocketError == SocketError.Success ? e.Count : 0;
        }

        e.FinishSynchronously();
        return false;
    }

    /// <summary>Sends the buffer of <paramref name="e"/> to the connected endpoint; UDP completes synchronously (returns false).</summary>
    public bool SendAsync(SocketAsyncEventArgs e)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(e);
        if (tcp is not null)
        {
            return StreamSendAsync(e);
        }

        e.StartOperation(SocketAsyncOperation.Send);
        lock (sim.Gate)
        {
            e.SocketError = disposed ? SocketError.OperationAborted
                : !udp!.IsConnected ? SocketError.DestinationAddressRequired
                : udp.SendTo(e.Window.Span, udp.RemoteAddress!, udp.RemotePort);
            e.BytesTransferred = e.SocketError == SocketError.Success ? e.Count : 0;
        }

        e.FinishSynchronously();
        return false;
    }

    // ------------------------------------------------------------------ receive

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

    /// <summary>
    /// Whether <paramref name="address"/> is of this socket's family. <see cref="SocketAddress.Family"/>
    /// asks the native layer on every read; the raw family bytes it once mapped to this socket's family
    /// answer the same without it, so a send or receive loop makes no native call.
    /// </summary>
    private bool IsOwnFamily(SocketAddress address)
    {
        ReadOnlySpan<byte> raw = address.Buffer.Span;
        ushort rawFamily = raw.Length >= 2 ? System.Runtime.InteropServices.MemoryMarshal.Read<ushort>(raw) : (ushort)0;
        if (ownFamilyRawKnown && rawFamily == ownFamilyRaw && raw.Length >= 2)
        {
            return true;
        }

        if (address.Family != AddressFamily)
        {
            return false;
        }

        ownFamilyRaw = rawFamily;
        ownFamilyRawKnown = raw.Length >= 2;
        return true;
    }

    /// <summary>The size of this socket's family's sockaddr: 16 (sockaddr_in) or 28 (sockaddr_in6).</summary>
    private int SocketAddressSize => AddressFamily == AddressFamily.InterNetwork ? 16 : 28;

    private void WriteSocketAddress(SocketAddress target, IPAddress source, int port)
    {
        Span<byte> raw = target.Buffer.Span;
        raw[2] = (byte)(port >> 8);
        raw[3] = (byte)port;
        if (AddressFamily == AddressFamily.InterNetwork)
        {
            source.TryWriteBytes(raw.Slice(4, 4), out _);
            target.Size = 16;
            return;
        }

        raw.Slice(4, 4).Clear();
        if (source.AddressFamily == AddressFamily.InterNetwork)
        {
            raw.Slice(8, 10).Clear();
            raw[18] = 0xFF;
            raw[19] = 0xFF;
            source.TryWriteBytes(raw.Slice(20, 4), out _);
        }
        else
        {
            source.TryWriteBytes(raw.Slice(8, 16), out _);
        }

        raw.Slice(24, 4).Clear();
        target.Size = 28;
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
            bool seated, entered;
            lock (sim.Gate)
            {
                ThrowIfDisposed();
                SocketError error = udp!.TryReceive(buffer, peek, out ReceivedDatagram d);
                if (error == SocketError.Success)
                {
                    return d;
                }

                if (error != SocketError.WouldBlock)
                {
                    NetAfterError(error);
                    throw SocketErrors.Exception(error, $"{operation} on {udp.Describe()}");
                }

                if (!blocking)
                {
                    // Also after SHUT_RD: a non-blocking receive with nothing queued is EAGAIN (measured in a namespace).
                    throw SocketErrors.Exception(SocketError.WouldBlock, $"{operation} on a non-blocking socket with nothing queued");
                }

                if (udp.ShutdownReceive)
                {
                    return default; // Linux: a blocking receive after SHUT_RD returns 0
                }

                // Nothing queued: take the driver's seat in this lock rather than in WaitUntil's next one.
                seated = sim.TryTakeDriverSeatLocked(deadline, out entered);
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

        lock (sim.Gate)
        {
            throw SocketErrors.Exception(error, $"{operation} on {udp!.Describe()}");
        }
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
        tcp is not null ? StreamReceiveAsync(buffer, socketFlags, cancellationToken) : StartReceive(buffer, socketFlags, requireBound: false, cancellationToken, static (_, d) => d.Length);

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
        return StartReceive(buffer, socketFlags, requireBound: true, cancellationToken, static (s, d) =>
            new SocketReceiveFromResult { ReceivedBytes = d.Length, RemoteEndPoint = s.RemoteFor(d) });
    }

    /// <summary>Receives a datagram, who sent it, and where it arrived.</summary>
    public ValueTask<SocketReceiveMessageFromResult> ReceiveMessageFromAsync(Memory<byte> buffer, SocketFlags socketFlags, EndPoint remoteEndPoint, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ValidateRemoteEndPoint(remoteEndPoint);
        return StartReceive(buffer, socketFlags, requireBound: true, cancellationToken, static (s, d) => new SocketReceiveMessageFromResult
        {
            ReceivedBytes = d.Length,
            SocketFlags = d.Truncated ? SocketFlags.Truncated : SocketFlags.None,
            RemoteEndPoint = s.RemoteFor(d),
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

    private ValueTask<T> StartReceive<T>(Memory<byte> buffer, SocketFlags flags, bool requireBound, CancellationToken cancellationToken, Func<Socket, ReceivedDatagram, T> project)
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

        lock (sim.Gate)
        {
            SocketError error = udp!.TryReceive(buffer.Span, (flags & SocketFlags.Peek) != 0, out ReceivedDatagram d);
            if (error == SocketError.Success)
            {
                return new ValueTask<T>(project(this, d));
            }

            if (error != SocketError.WouldBlock)
            {
                return ValueTask.FromException<T>(SocketErrors.Exception(error, $"receive on {udp.Describe()}"));
            }

            // One reusable receive per socket (per result type), as the runtime keeps one awaitable per direction.
            PendingReceive<T> op = udpReceive is PendingReceive<T> { IsIdle: true } idle ? idle : new PendingReceive<T>(this);
            udpReceive = op;
            ValueTask<T> pending = op.Start(buffer, flags, project, cancellationToken);
            udp.AddWaiter(op);
            return pending;
        }
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
        var op = new PendingArgsReceive(this, e);
        lock (sim.Gate)
        {
            if (op.TryComplete(udp!))
            {
                e.FinishSynchronously();
                return false;
            }

            op.Pending = true;
            udp!.AddWaiter(op);
            return true;
        }
    }

    /// <summary>
    /// An async receive waiting on the endpoint, reused by its socket (a <see cref="ManualResetValueTaskSourceCore{TResult}"/>
    /// behind the <see cref="ValueTask{TResult}"/>). The datagram is taken when it arrives, inside the delivery
    /// event; the value task completes in a completion (driving thread, no context), so user continuations
    /// never run inside the kernel's delivery loop, and never on the thread pool.
    /// </summary>
    private sealed class PendingReceive<T> : SimulationWait, IUdpWaiter, IValueTaskSource<T>
    {
        private readonly Socket socket;
        private ManualResetValueTaskSourceCore<T> core;
        private Memory<byte> buffer;
        private bool peek;
        private Func<Socket, ReceivedDatagram, T>? project;
        private CancellationToken cancellationToken;
        private CancellationTokenRegistration registration;
        private T? result;
        private Exception? error;
        private int idle = 1;

        public PendingReceive(Socket socket) => this.socket = socket;

        public bool IsIdle => Volatile.Read(ref idle) == 1;

        public override string DescribeWait() => $"an async receive on {socket.udp!.Describe()}";

        /// <summary>Under the world's lock: arms the operation and returns its pending value task.</summary>
        public ValueTask<T> Start(Memory<byte> buffer, SocketFlags flags, Func<Socket, ReceivedDatagram, T> project, CancellationToken cancellationToken)
        {
            idle = 0;
            core.Reset();
            this.buffer = buffer;
            peek = (flags & SocketFlags.Peek) != 0;
            this.project = project;
            this.cancellationToken = cancellationToken;
            result = default;
            error = null;
            socket.sim.AddWait(this);
            if (cancellationToken.CanBeCanceled)
            {
                registration = cancellationToken.UnsafeRegister(static state => ((PendingReceive<T>)state!).Cancel(), this);
            }

            return new ValueTask<T>(this, core.Version);
        }

        public bool TryComplete(UdpEndpoint endpoint)
        {
            // After Shutdown(Receive) an async receive still waits for the next datagram (measured: the
            // runtime's async path waits for one, unlike a blocking receive, which returns 0 at once).
            SocketError status = endpoint.TryReceive(buffer.Span, peek, out ReceivedDatagram d);
            if (status == SocketError.WouldBlock)
            {
                return false;
            }

            Finish();
            if (status == SocketError.Success)
            {
                try
                {
                    result = project!(socket, d);
                }
                catch (Exception e)
                {
                    error = e; // finished either way: the waiter never stays registered after taking a datagram
                }
            }
            else
            {
                error = SocketErrors.Exception(status, $"receive on {endpoint.Describe()}");
            }

            socket.sim.PostCompletion(static state => ((PendingReceive<T>)state!).Publish(), this);
            return true;
        }

        private void Publish()
        {
            if (error is not null)
            {
                core.SetException(error);
            }
            else
            {
                core.SetResult(result!);
            }
        }

        /// <summary>Close ends the wait at once: the caller of Dispose may be awaiting it without driving the simulation.</summary>
        public void Abort(SocketError status)
        {
            Finish();
            core.SetException(SocketErrors.Exception(status, "the socket was closed while a receive was pending"));
        }

        private void Cancel()
        {
            lock (socket.sim.Gate)
            {
                if (!socket.udp!.RemoveWaiter(this))
                {
                    return; // already completed
                }

                Finish();
            }

            // Measured: awaiting a cancelled real receive throws OperationCanceledException itself,
            // not the TaskCanceledException that a cancelled task would give.
            core.SetException(new OperationCanceledException(cancellationToken));
        }

        private void Finish()
        {
            registration.Unregister();
            registration = default;
            socket.sim.RemoveWait(this);
        }

        public T GetResult(short token)
        {
            try
            {
                return core.GetResult(token);
            }
            finally
            {
                buffer = default;
                project = null;
                result = default;
                error = null;
                cancellationToken = default;
                Volatile.Write(ref idle, 1);
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            core.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>A SocketAsyncEventArgs receive; its Completed event is posted to the simulation's context.</summary>
    private sealed class PendingArgsReceive : SimulationWait, IUdpWaiter
    {
        private readonly Socket socket;
        private readonly SocketAsyncEventArgs args;

        public PendingArgsReceive(Socket socket, SocketAsyncEventArgs args)
        {
            this.socket = socket;
            this.args = args;
        }

        public bool Pending { get; set; }

        public override string DescribeWait() => $"a {args.LastOperation} (SocketAsyncEventArgs) on {socket.udp!.Describe()}";

        public bool TryComplete(UdpEndpoint endpoint)
        {
            SocketError error = endpoint.TryReceive(args.Window.Span, (args.SocketFlags & SocketFlags.Peek) != 0, out ReceivedDatagram d);
            if (error == SocketError.WouldBlock) // also after Shutdown(Receive), as the Task forms (measured)
            {
                if (Pending)
                {
                    return false;
                }

                socket.sim.AddWait(this);
                return false;
            }

            args.SocketError = error;
            args.BytesTransferred = error == SocketError.Success ? d.Length : 0;
            if (error == SocketError.Success && d.Source is not null)
            {
                if (args.LastOperation != SocketAsyncOperation.Receive)
                {
                    args.RemoteEndPoint = socket.RemoteFor(d.Source, d.SourcePort);
                }

                args.ReceiveMessageFromPacketInfo = new IPPacketInformation(d.Destination, d.Adapter);
                args.SocketFlags = d.Truncated ? SocketFlags.Truncated : SocketFlags.None;
            }

            if (Pending)
            {
                Raise();
            }

            return true;
        }

        public void Abort(SocketError error)
        {
            args.SocketError = error;
            args.BytesTransferred = 0;
            Raise();
        }

        private void Raise()
        {
            socket.sim.RemoveWait(this);
            socket.sim.PostCompletion(static state => ((SocketAsyncEventArgs)state!).FinishAndRaise(), args);
        }
    }

    // ------------------------------------------------------------------ poll

    /// <summary>Waits up to <paramref name="microSeconds"/> of virtual time (-1 forever) for the socket to be readable, writable or in error.</summary>
    public bool Poll(int microSeconds, SelectMode mode)
    {
        ThrowIfDisposed();
        long deadline = microSeconds < 0 ? long.MaxValue : sim.Clock.NowTicks + (microSeconds * (TimeSpan.TicksPerMillisecond / 1000));
        if (tcp is not null)
        {
            return StreamPoll(mode, deadline);
        }

        return mode switch
        {
            SelectMode.SelectWrite => true,
            // POLLIN only: a pending ICMP error sets POLLERR, which Poll(SelectRead) does not count (measured).
            SelectMode.SelectRead => PollFor(static s => s.disposed || s.udp!.QueuedCount > 0 || s.udp.ShutdownReceive, deadline),
            SelectMode.SelectError => PollFor(static s => s.udp!.PendingError != SocketError.Success, deadline),
            _ => PollForNothing(deadline),
        };
    }

    /// <summary>Waits up to <paramref name="timeout"/> of virtual time for the socket to be readable, writable or in error.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or more than <see cref="int.MaxValue"/> microseconds, as the runtime checks.</exception>
    public bool Poll(TimeSpan timeout, SelectMode mode) => Poll(ToTimeoutMicroseconds(timeout), mode);

    /// <summary>The runtime's conversion: -1 for infinite, else whole microseconds within [0, int.MaxValue].</summary>
    private static int ToTimeoutMicroseconds(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return -1;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        long microseconds = timeout.Ticks / TimeSpan.TicksPerMicrosecond;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(microseconds, int.MaxValue, nameof(timeout));
        return (int)microseconds;
    }

    /// <summary>
    /// An unknown <see cref="SelectMode"/>: the runtime asks poll(2) for no event, so the call waits its
    /// timeout and returns false (measured with a zero timeout; an infinite one is a deadlock report here).
    /// </summary>
    private bool PollForNothing(long deadline) => PollFor(static _ => false, deadline);

    private bool PollFor(Func<Socket, bool> condition, long deadline)
    {
        if (deadline == sim.Clock.NowTicks)
        {
            lock (sim.Gate)
            {
                return condition(this);
            }
        }

        return sim.WaitUntil(condition, this, deadline, static s => $"a Poll on {s}");
    }

    // ------------------------------------------------------------------ validation

    private static void ValidateBuffer(byte[] buffer, int offset, int size)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, buffer.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, buffer.Length - offset);
    }

    private static void ValidateFlags(SocketFlags flags, SocketFlags supported)
    {
        if ((flags & ~supported) != 0)
        {
            throw SocketErrors.Exception(SocketError.OperationNotSupported, $"SocketFlags {flags & ~supported} are not supported on a datagram socket.");
        }
    }

    private void ValidateRemoteEndPoint(EndPoint remoteEP)
    {
        ArgumentNullException.ThrowIfNull(remoteEP);
        if (remoteEP.AddressFamily != AddressFamily && !(DualMode && remoteEP.AddressFamily == AddressFamily.InterNetwork))
        {
            throw new ArgumentException($"The AddressFamily {remoteEP.AddressFamily} is not valid for the {remoteEP.GetType().Name} end point, use {AddressFamily} instead.", nameof(remoteEP));
        }
    }
}
