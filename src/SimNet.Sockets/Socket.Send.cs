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
        return protocol.Send(buffer);
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

    private int SendToCore(ReadOnlySpan<byte> buffer, IPAddress address, int port) =>
        protocol.AsDatagram("SendTo").SendTo(buffer, address, port);

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

        return protocol.SendAsync(buffer, socketFlags, cancellationToken);
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
        UdpProtocol udp = protocol.AsDatagram("SendToAsync");
        ArgumentNullException.ThrowIfNull(e);
        if (e.RemoteEndPoint is null)
        {
            throw new ArgumentException("The value of e.RemoteEndPoint cannot be null.", nameof(e));
        }

        return udp.SendToAsync(e, ToIPEndPoint(e.RemoteEndPoint, nameof(e), SocketError.NetworkUnreachable));
    }

    /// <summary>Sends the buffer of <paramref name="e"/> to the connected endpoint; UDP completes synchronously (returns false).</summary>
    public bool SendAsync(SocketAsyncEventArgs e)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(e);
        return protocol.SendAsync(e);
    }
}
