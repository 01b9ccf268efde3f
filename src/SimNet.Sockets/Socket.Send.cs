using System.Net;
using System.Net.Sockets;

namespace SimNet.Sockets;

/// <summary>Sending: Send, SendTo and their async and SocketAsyncEventArgs forms, for datagram and stream sockets.</summary>
public sealed partial class Socket
{
    // The last SocketAddress destination and its parsed address, so a loop of SendTo(span, flags, SocketAddress)
    // to the same peer allocates nothing.
    private byte[]? lastDestinationBytes;
    private IPAddress? lastDestination;

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

        SocketError error = udpCore!.Send(buffer, out bool wasBound);
        if (error == SocketError.DestinationAddressRequired)
        {
            // Linux binds the socket before it finds there is no peer; .NET does not learn of it.
            NetAfterSend(error, wasBound);
            throw SocketErrors.Exception(error, "Send needs a connected socket; use SendTo or Connect first.");
        }

        NetAfterError(error);
        if (error != SocketError.Success)
        {
            throw SocketErrors.Exception(error, $"sending {buffer.Length} bytes on {core.Describe()}");
        }

        return buffer.Length;
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
        ThrowIfDisposed();
        SocketError error = udpCore!.SendTo(buffer, address, port, via: null, out bool wasBound);
        NetAfterSend(error, wasBound);
        if (error != SocketError.Success)
        {
            throw SocketErrors.Exception(error, $"sending {buffer.Length} bytes to {SocketErrors.Format(address, port)} from {Host.Name}");
        }

        return buffer.Length;
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
        e.SocketError = disposed ? SocketError.OperationAborted : udpCore!.SendTo(e.Window.Span, ep.Address, ep.Port, via: null, out _);
        e.BytesTransferred = e.SocketError == SocketError.Success ? e.Count : 0;

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
        e.SocketError = disposed ? SocketError.OperationAborted : udpCore!.Send(e.Window.Span, out _);
        e.BytesTransferred = e.SocketError == SocketError.Success ? e.Count : 0;

        e.FinishSynchronously();
        return false;
    }

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
}
