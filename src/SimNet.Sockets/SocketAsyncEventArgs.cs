using System.Net;
using System.Net.Sockets;

namespace SimNet.Sockets;

/// <summary>
/// The state of one asynchronous socket operation, with the members of
/// <see cref="System.Net.Sockets.SocketAsyncEventArgs"/>. SimNet carries its own type because the real
/// one can only be completed by the runtime's own <c>Socket</c>.
/// </summary>
/// <remarks>
/// As with the real type: when the operation method returns true, <see cref="Completed"/> is raised
/// later (in SimNet: on the simulation's thread, through its event queue); when it returns false,
/// the result is ready at once and <see cref="Completed"/> is not raised.
/// </remarks>
public class SocketAsyncEventArgs : EventArgs, IDisposable
{
    private int inUse;
    private byte[]? buffer;
    private Memory<byte> memory;
    private IList<ArraySegment<byte>>? bufferList;
    private bool disposed;

    /// <summary>Raised when a pending operation completes.</summary>
    public event EventHandler<SocketAsyncEventArgs>? Completed;

    /// <summary>The data buffer, when one was set as an array.</summary>
    public byte[]? Buffer => buffer;

    /// <summary>The data buffer as memory.</summary>
    public Memory<byte> MemoryBuffer => memory;

    /// <summary>Offset into <see cref="Buffer"/>.</summary>
    public int Offset { get; private set; }

    /// <summary>How many bytes of the buffer the operation may use.</summary>
    public int Count { get; private set; }

    /// <summary>A list of buffers; an operation that takes one buffer rejects it.</summary>
    /// <exception cref="ArgumentException">A single buffer is already set.</exception>
    public IList<ArraySegment<byte>>? BufferList
    {
        get => bufferList;
        set
        {
            if (value is not null && !memory.IsEmpty)
            {
                throw new ArgumentException("Buffer and BufferList cannot both be set; set the Buffer to null first.", nameof(value));
            }

            bufferList = value;
        }
    }

    /// <summary>Bytes sent or received by the operation.</summary>
    public int BytesTransferred { get; internal set; }

    /// <summary>The socket created or connected by the operation.</summary>
    public Socket? ConnectSocket { get; internal set; }

    /// <summary>The error of a connect by name, if it failed.</summary>
    public Exception? ConnectByNameError { get; internal set; }

    /// <summary>The socket accepted by an accept operation.</summary>
    public Socket? AcceptSocket { get; set; }

    /// <summary>The operation most recently done with this object.</summary>
    public SocketAsyncOperation LastOperation { get; internal set; }

    /// <summary>The remote endpoint: where to connect or send, or who sent what was received.</summary>
    public EndPoint? RemoteEndPoint { get; set; }

    /// <summary>The outcome of the operation.</summary>
    public SocketError SocketError { get; set; }

    /// <summary>Flags for the operation, and of the received datagram.</summary>
    public SocketFlags SocketFlags { get; set; }

    /// <summary>Any object the caller wants to find again in the callback.</summary>
    public object? UserToken { get; set; }

    /// <summary>Where the datagram of a ReceiveMessageFrom arrived.</summary>
    public IPPacketInformation ReceiveMessageFromPacketInfo { get; internal set; }

    /// <summary>Whether a disconnect leaves the socket reusable.</summary>
    public bool DisconnectReuseSocket { get; set; }

    /// <summary>Sets the buffer to <paramref name="buffer"/>[offset..offset+count).</summary>
    public void SetBuffer(byte[]? buffer, int offset, int count)
    {
        ThrowIfInUse();
        if (buffer is null)
        {
            this.buffer = null;
            memory = default;
            Offset = 0;
            Count = 0;
            return;
        }

        if (bufferList is not null)
        {
            throw new ArgumentException("Buffer and BufferList cannot both be set; set the BufferList to null first.", nameof(buffer));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, buffer.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, buffer.Length - offset);
        this.buffer = buffer;
        memory = buffer;
        Offset = offset;
        Count = count;
    }

    /// <summary>Changes the window into the current buffer.</summary>
    public void SetBuffer(int offset, int count)
    {
        ThrowIfInUse();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, memory.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, memory.Length - offset);
        Offset = offset;
        Count = count;
    }

    /// <summary>Sets the buffer to <paramref name="buffer"/> as memory.</summary>
    public void SetBuffer(Memory<byte> buffer)
    {
        ThrowIfInUse();
        if (bufferList is not null && !buffer.IsEmpty)
        {
            throw new ArgumentException("Buffer and BufferList cannot both be set; set the BufferList to null first.", nameof(buffer));
        }

        this.buffer = null;
        memory = buffer;
        Offset = 0;
        Count = buffer.Length;
    }

    /// <summary>The window of the buffer the operation uses.</summary>
    internal Memory<byte> Window => memory.Slice(Offset, Count);

    /// <summary>Raises <see cref="Completed"/>.</summary>
    protected virtual void OnCompleted(SocketAsyncEventArgs e) => Completed?.Invoke(e.ConnectSocket, e);

    /// <summary>Releases the object; it may not be used for further operations.</summary>
    public void Dispose()
    {
        disposed = true;
        GC.SuppressFinalize(this);
    }

    /// <summary>Claims the object for one operation; a second operation at once is an error, as in the runtime.</summary>
    internal void StartOperation(SocketAsyncOperation operation)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Interlocked.CompareExchange(ref inUse, 1, 0) != 0)
        {
            throw new InvalidOperationException("An asynchronous socket operation is already in progress using this SocketAsyncEventArgs instance.");
        }

        LastOperation = operation;
        BytesTransferred = 0;
        SocketError = SocketError.Success;
        ConnectByNameError = null;
    }

    /// <summary>Ends a synchronous completion: the caller reads the result at once.</summary>
    internal void FinishSynchronously() => Volatile.Write(ref inUse, 0);

    /// <summary>Ends a pending operation and raises <see cref="Completed"/>.</summary>
    internal void FinishAndRaise()
    {
        Volatile.Write(ref inUse, 0);
        OnCompleted(this);
    }

    private void ThrowIfInUse()
    {
        if (Volatile.Read(ref inUse) != 0)
        {
            throw new InvalidOperationException("An asynchronous socket operation is already in progress using this SocketAsyncEventArgs instance.");
        }
    }
}
