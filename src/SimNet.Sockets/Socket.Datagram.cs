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
                throw SocketErrors.Exception(SocketError.DestinationAddressRequired, "Send needs a connected socket; use SendTo or Connect first.");
            }

            SocketError error = udp.SendTo(buffer, udp.RemoteAddress!, udp.RemotePort);
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
            SocketError error = udp!.SendTo(buffer, address, port);
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
        remoteEP = RemoteFor(d.Source, d.SourcePort);
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

        ReceivedDatagram d = ReceiveCore(buffer, socketFlags, requireBound: true, "ReceiveFrom");
        WriteSocketAddress(receivedAddress, d.Source, d.SourcePort);
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
        remoteEP = RemoteFor(d.Source, d.SourcePort);
        ipPacketInformation = new IPPacketInformation(d.Destination, d.Adapter);
        socketFlags = d.Truncated ? SocketFlags.Truncated : SocketFlags.None;
        return d.Length;
    }

    private ReceivedDatagram ReceiveCore(Span<byte> buffer, SocketFlags flags, bool requireBound, string operation)
    {
        RequireDatagram(operation);
        ValidateFlags(flags, SupportedReceiveFlags);
        bool peek = (flags & SocketFlags.Peek) != 0;
        if (requireBound && !udp!.IsBound)
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
                    throw SocketErrors.Exception(error, $"{operation} on {udp.Describe()}");
                }

                if (udp.ShutdownReceive)
                {
                    return default; // Linux: a blocking receive after SHUT_RD returns 0
                }

                if (!blocking)
                {
                    throw SocketErrors.Exception(SocketError.WouldBlock, $"{operation} on a non-blocking socket with nothing queued");
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
            new SocketReceiveFromResult { ReceivedBytes = d.Length, RemoteEndPoint = s.RemoteFor(d.Source, d.SourcePort) });
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
            RemoteEndPoint = s.RemoteFor(d.Source, d.SourcePort),
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
        if (requireBound && !udp!.IsBound)
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

            var op = new PendingReceive<T>(this, buffer, flags, project, cancellationToken);
            udp.AddWaiter(op);
            return new ValueTask<T>(op.Task);
        }
    }

    private bool StartReceive(SocketAsyncEventArgs e, SocketAsyncOperation operation, bool requireBound)
    {
        ThrowIfDisposed();
        RequireDatagram(operation.ToString());
        ArgumentNullException.ThrowIfNull(e);
        ValidateFlags(e.SocketFlags, SupportedReceiveFlags);
        if (requireBound && !udp!.IsBound)
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
    /// An async receive waiting on the endpoint. The datagram is taken when it arrives, inside the
    /// delivery event; the task completes in a work item posted to the simulation's context, so user
    /// continuations never run inside the kernel's delivery loop, and never on the thread pool.
    /// </summary>
    private sealed class PendingReceive<T> : SimulationWait, IUdpWaiter
    {
        private readonly Socket socket;
        private readonly Memory<byte> buffer;
        private readonly bool peek;
        private readonly Func<Socket, ReceivedDatagram, T> project;
        private readonly TaskCompletionSource<T> completion = new();
        private readonly CancellationToken cancellationToken;
        private CancellationTokenRegistration registration;
        private T? result;
        private Exception? error;

        public PendingReceive(Socket socket, Memory<byte> buffer, SocketFlags flags, Func<Socket, ReceivedDatagram, T> project, CancellationToken cancellationToken)
        {
            this.socket = socket;
            this.buffer = buffer;
            peek = (flags & SocketFlags.Peek) != 0;
            this.project = project;
            socket.sim.AddWait(this);
            this.cancellationToken = cancellationToken;
            if (cancellationToken.CanBeCanceled)
            {
                registration = cancellationToken.Register(static state => ((PendingReceive<T>)state!).Cancel(), this);
            }
        }

        public Task<T> Task => completion.Task;

        public override Task? WaitTask => completion.Task;

        public override string DescribeWait() => $"an async receive on {socket.udp!.Describe()}";

        public bool TryComplete(UdpEndpoint endpoint)
        {
            SocketError status = endpoint.TryReceive(buffer.Span, peek, out ReceivedDatagram d);
            if (status == SocketError.WouldBlock)
            {
                if (!endpoint.ShutdownReceive)
                {
                    return false;
                }

                d = default;
                status = SocketError.Success;
            }

            Finish();
            if (status == SocketError.Success)
            {
                result = project(socket, d);
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
                completion.TrySetException(error);
            }
            else
            {
                completion.TrySetResult(result!);
            }
        }

        /// <summary>Close ends the wait at once: the caller of Dispose may be awaiting it without driving the simulation.</summary>
        public void Abort(SocketError status)
        {
            Finish();
            completion.TrySetException(SocketErrors.Exception(status, "the socket was closed while a receive was pending"));
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
            // not the TaskCanceledException that TrySetCanceled would give.
            completion.TrySetException(new OperationCanceledException(cancellationToken));
        }

        private void Finish()
        {
            registration.Unregister();
            socket.sim.RemoveWait(this);
        }
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
            if (error == SocketError.WouldBlock && !endpoint.ShutdownReceive)
            {
                if (Pending)
                {
                    return false;
                }

                socket.sim.AddWait(this);
                return false;
            }

            if (error == SocketError.WouldBlock)
            {
                error = SocketError.Success;
                d = default;
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
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown select mode."),
        };
    }

    /// <summary>Waits up to <paramref name="timeout"/> of virtual time for the socket to be readable, writable or in error.</summary>
    public bool Poll(TimeSpan timeout, SelectMode mode) =>
        Poll(timeout == Timeout.InfiniteTimeSpan ? -1 : checked((int)(timeout.Ticks / (TimeSpan.TicksPerMillisecond / 1000))), mode);

    private bool PollFor(Func<Socket, bool> condition, long deadline)
    {
        if (deadline == sim.Clock.NowTicks)
        {
            lock (sim.Gate)
            {
                return condition(this);
            }
        }

        return sim.WaitUntil(condition, this, deadline, static s => $"a Poll on {s.udp!.Describe()}");
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
