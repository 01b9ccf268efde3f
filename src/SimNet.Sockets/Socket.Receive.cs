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
    public int Receive(Span<byte> buffer, SocketFlags socketFlags) => protocol.Receive(buffer, socketFlags);

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
        ReceivedDatagram d = protocol.AsDatagram("ReceiveFrom").Receive(buffer, socketFlags, requireBound: true, "ReceiveFrom");
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

        ReceivedDatagram d = protocol.AsDatagram("ReceiveFrom").Receive(buffer, socketFlags, requireBound: true, "ReceiveFrom");
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
        ReceivedDatagram d = protocol.AsDatagram("ReceiveMessageFrom").Receive(buffer, socketFlags, requireBound: true, "ReceiveMessageFrom");
        remoteEP = RemoteFor(d);
        ipPacketInformation = new IPPacketInformation(d.Destination, d.Adapter);
        socketFlags = d.Truncated ? SocketFlags.Truncated : SocketFlags.None;
        return d.Length;
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
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, SocketFlags socketFlags, CancellationToken cancellationToken = default)
    {
        // As the runtime's: a cancelled token answers first, before the socket or the flags are looked at (a
        // disposed socket with a cancelled token gives a cancelled task, not ObjectDisposedException).
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        return protocol.ReceiveAsync(buffer, socketFlags, cancellationToken);
    }

    /// <summary>A <see cref="NetworkStream"/>'s read: the socket's receive, failures as IOExceptions.</summary>
    internal ValueTask<int> StreamReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        protocol.StreamReadAsync(buffer, cancellationToken);

    /// <summary>A <see cref="NetworkStream"/>'s write: the socket's send of every byte, failures as IOExceptions.</summary>
    internal ValueTask StreamWriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken) =>
        protocol.StreamWriteAsync(buffer, cancellationToken);

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
        return protocol.AsDatagram("ReceiveFromAsync").StartReceive(buffer, socketFlags, requireBound: true, cancellationToken, remoteEndPoint, static (s, d, given) =>
            new SocketReceiveFromResult { ReceivedBytes = d.Length, RemoteEndPoint = s.RemoteFor(d, given) });
    }

    /// <summary>Receives a datagram, who sent it, and where it arrived.</summary>
    public ValueTask<SocketReceiveMessageFromResult> ReceiveMessageFromAsync(Memory<byte> buffer, SocketFlags socketFlags, EndPoint remoteEndPoint, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ValidateRemoteEndPoint(remoteEndPoint);
        return protocol.AsDatagram("ReceiveFromAsync").StartReceive(buffer, socketFlags, requireBound: true, cancellationToken, remoteEndPoint, static (s, d, given) => new SocketReceiveMessageFromResult
        {
            ReceivedBytes = d.Length,
            SocketFlags = d.Truncated ? SocketFlags.Truncated : SocketFlags.None,
            RemoteEndPoint = s.RemoteFor(d, given),
            PacketInformation = new IPPacketInformation(d.Destination, d.Adapter),
        });
    }

    /// <summary>Receives into the buffer of <paramref name="e"/>; true when pending (Completed is raised later on the simulation's thread).</summary>
    public bool ReceiveAsync(SocketAsyncEventArgs e)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(e);
        return protocol.ReceiveAsync(e);
    }

    /// <summary>Receives into the buffer of <paramref name="e"/> and sets its RemoteEndPoint to the sender.</summary>
    public bool ReceiveFromAsync(SocketAsyncEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.RemoteEndPoint is null)
        {
            throw new ArgumentException("The value of e.RemoteEndPoint cannot be null.", nameof(e));
        }

        ThrowIfDisposed();
        return protocol.AsDatagram(nameof(SocketAsyncOperation.ReceiveFrom)).StartReceive(e, SocketAsyncOperation.ReceiveFrom, requireBound: true);
    }

    /// <summary>Receives into the buffer of <paramref name="e"/>, with the sender and where it arrived.</summary>
    public bool ReceiveMessageFromAsync(SocketAsyncEventArgs e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.RemoteEndPoint is null)
        {
            throw new ArgumentException("The value of e.RemoteEndPoint cannot be null.", nameof(e));
        }

        ThrowIfDisposed();
        return protocol.AsDatagram(nameof(SocketAsyncOperation.ReceiveMessageFrom)).StartReceive(e, SocketAsyncOperation.ReceiveMessageFrom, requireBound: true);
    }
}
