using System.Net.Sockets;

namespace SimNet.Sockets;

/// <summary>
/// A <see cref="Stream"/> over a connected SimNet stream <see cref="Socket"/>, with the shape of
/// <see cref="System.Net.Sockets.NetworkStream"/>: socket errors surface as <see cref="IOException"/>
/// wrapping the <see cref="SocketException"/>; a read returns 0 at the end of the peer's data.
/// </summary>
public class NetworkStream : Stream
{
    private readonly bool ownsSocket;
    private readonly bool readable;
    private readonly bool writeable;
    private bool disposed;

    /// <summary>A stream over <paramref name="socket"/> that does not close it.</summary>
    public NetworkStream(Socket socket)
        : this(socket, FileAccess.ReadWrite, ownsSocket: false)
    {
    }

    /// <summary>A stream over <paramref name="socket"/>; <paramref name="ownsSocket"/> says whether disposing the stream closes it.</summary>
    public NetworkStream(Socket socket, bool ownsSocket)
        : this(socket, FileAccess.ReadWrite, ownsSocket)
    {
    }

    /// <summary>A stream over <paramref name="socket"/> with the given access.</summary>
    public NetworkStream(Socket socket, FileAccess access)
        : this(socket, access, ownsSocket: false)
    {
    }

    /// <summary>A stream over <paramref name="socket"/> with the given access and ownership.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> is null.</exception>
    /// <exception cref="IOException">The socket is not connected, not a stream socket, or not blocking.</exception>
    public NetworkStream(Socket socket, FileAccess access, bool ownsSocket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!socket.Blocking)
        {
            throw new IOException("The operation is not allowed on a non-blocking Socket.");
        }

        if (!socket.Connected)
        {
            throw new IOException("The operation is not allowed on non-connected sockets.");
        }

        if (socket.SocketType != SocketType.Stream)
        {
            throw new IOException("The operation is not allowed on non-stream oriented sockets.");
        }

        Socket = socket;
        this.ownsSocket = ownsSocket;
        readable = access is FileAccess.Read or FileAccess.ReadWrite;
        writeable = access is FileAccess.Write or FileAccess.ReadWrite;
    }

    /// <summary>The socket underneath.</summary>
    public Socket Socket { get; }

    /// <summary>Whether the stream may be read.</summary>
    protected bool Readable => readable;

    /// <summary>Whether the stream may be written.</summary>
    protected bool Writeable => writeable;

    /// <inheritdoc />
    public override bool CanRead => !disposed && readable;

    /// <inheritdoc />
    public override bool CanWrite => !disposed && writeable;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanTimeout => true;

    /// <summary>Whether data is waiting to be read.</summary>
    public virtual bool DataAvailable
    {
        get
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return Socket.Available != 0;
        }
    }

    /// <inheritdoc />
    public override int ReadTimeout
    {
        get => Socket.ReceiveTimeout == 0 ? Timeout.Infinite : Socket.ReceiveTimeout;
        set => Socket.ReceiveTimeout = value is 0 or < Timeout.Infinite ? throw new ArgumentOutOfRangeException(nameof(value), "The timeout must be positive or Timeout.Infinite.") : value;
    }

    /// <inheritdoc />
    public override int WriteTimeout
    {
        get => Socket.SendTimeout == 0 ? Timeout.Infinite : Socket.SendTimeout;
        set => Socket.SendTimeout = value is 0 or < Timeout.Infinite ? throw new ArgumentOutOfRangeException(nameof(value), "The timeout must be positive or Timeout.Infinite.") : value;
    }

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException("This stream does not support seek operations.");

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException("This stream does not support seek operations.");
        set => throw new NotSupportedException("This stream does not support seek operations.");
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("This stream does not support seek operations.");

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException("This stream does not support seek operations.");

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        ThrowIfCannot(readable, "read");
        try
        {
            return Socket.Receive(buffer, SocketFlags.None);
        }
        catch (SocketException e)
        {
            throw new IOException($"Unable to read data from the transport connection: {e.Message}.", e);
        }
    }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ThrowIfCannot(writeable, "write");
        try
        {
            Socket.Send(buffer, SocketFlags.None);
        }
        catch (SocketException e)
        {
            throw new IOException($"Unable to write data to the transport connection: {e.Message}.", e);
        }
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    /// <remarks>
    /// The socket's own pooled awaitable, as the runtime's stream returns it: nothing is allocated per read,
    /// awaited on the simulation's context or not. Failures come as <see cref="IOException"/> wrapping the
    /// <see cref="SocketException"/>.
    /// </remarks>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfCannot(readable, "read");
        return Socket.StreamReadAsync(buffer, cancellationToken);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc />
    /// <remarks>The socket's own pooled awaitable, completing when every byte is in the send buffer; failures as <see cref="IOException"/>.</remarks>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfCannot(writeable, "write");
        return Socket.StreamWriteAsync(buffer, cancellationToken);
    }

    /// <summary>Nothing to flush: every write is handed to the socket at once.</summary>
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    /// <summary>Closes the stream, and the socket if the stream owns it, after <paramref name="timeout"/> seconds of lingering (0 resets the connection).</summary>
    public void Close(int timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, -1);
        if (ownsSocket && !disposed)
        {
            Socket.Close(timeout);
        }

        Dispose();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!disposed)
        {
            disposed = true;
            if (disposing && ownsSocket)
            {
                Socket.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private void ThrowIfCannot(bool allowed, string what)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!allowed)
        {
            throw new InvalidOperationException($"The stream does not support {what}ing.");
        }
    }
}
