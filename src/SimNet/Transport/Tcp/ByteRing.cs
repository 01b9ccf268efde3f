using System.Buffers;

namespace SimNet.Transport.Tcp;

/// <summary>
/// A byte queue of fixed logical capacity: a TCP connection's send buffer (bytes not yet acknowledged)
/// and receive buffer (bytes in order, not yet read). Copying in and out is all it does.
/// </summary>
/// <remarks>
/// The memory behind it grows with what is actually queued (doubling from 4 KiB up to the capacity)
/// and comes from <see cref="ArrayPool{T}.Shared"/>; <see cref="Release"/> gives it back when the
/// connection is done with it. So a connection that moves a few hundred bytes holds 4 KiB, not the
/// 128 KiB of its receive window, and nothing per connection lands on the large-object heap. Which
/// array backs the ring is never observable: only the first <see cref="Count"/> bytes from the head
/// are ever read.
/// </remarks>
internal sealed class ByteRing
{
    private const int InitialSize = 4096;

    private byte[] buffer = Array.Empty<byte>();
    private int capacity;
    private int head;

    /// <summary>A queue of <paramref name="capacity"/> bytes; memory is taken on the first write, so idle connections cost little.</summary>
    public ByteRing(int capacity) => this.capacity = Math.Max(capacity, 1);

    public int Capacity => capacity;

    public int Count { get; private set; }

    public int Free => capacity - Count;

    /// <summary>Changes the capacity, keeping the content (never below <see cref="Count"/>).</summary>
    public void Resize(int newCapacity) => capacity = Math.Max(Math.Max(newCapacity, Count), 1);

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns how much did.</summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        int n = Math.Min(data.Length, Free);
        if (n == 0)
        {
            return 0;
        }

        if (Count + n > buffer.Length)
        {
            Grow(Count + n);
        }

        int tail = (head + Count) % buffer.Length;
        int first = Math.Min(n, buffer.Length - tail);
        data[..first].CopyTo(buffer.AsSpan(tail));
        data[first..n].CopyTo(buffer);
        Count += n;
        return n;
    }

    /// <summary>Moves the content to a pooled array of at least <paramref name="needed"/> bytes (doubling, capped at the capacity).</summary>
    private void Grow(int needed)
    {
        int size = Math.Max(buffer.Length * 2, InitialSize);
        while (size < needed)
        {
            size *= 2;
        }

        size = Math.Max(Math.Min(size, capacity), needed);
        byte[] next = ArrayPool<byte>.Shared.Rent(size);
        CopyOut(0, next.AsSpan(0, Count));
        ReturnBuffer();
        buffer = next;
        head = 0;
    }

    private void ReturnBuffer()
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = Array.Empty<byte>();
        }
    }

    /// <summary>Copies <paramref name="destination"/>.Length bytes starting <paramref name="offset"/> bytes from the front, without consuming them.</summary>
    public void CopyOut(int offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "Reading past the buffered bytes: a bug in SimNet's TCP.");
        }

        if (destination.Length == 0)
        {
            return;
        }

        int start = (head + offset) % buffer.Length;
        int first = Math.Min(destination.Length, buffer.Length - start);
        buffer.AsSpan(start, first).CopyTo(destination);
        buffer.AsSpan(0, destination.Length - first).CopyTo(destination[first..]);
    }

    /// <summary>Drops <paramref name="n"/> bytes from the front.</summary>
    public void Discard(int n)
    {
        if (n < 0 || n > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "Discarding more than is buffered: a bug in SimNet's TCP.");
        }

        Count -= n;
        head = Count == 0 ? 0 : (head + n) % buffer.Length;
    }

    /// <summary>Drops <paramref name="n"/> bytes from the back (the newest).</summary>
    public void DiscardTail(int n)
    {
        if (n < 0 || n > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "Discarding more than is buffered: a bug in SimNet's TCP.");
        }

        Count -= n;
        head = Count == 0 ? 0 : head;
    }

    /// <summary>Copies up to <paramref name="destination"/>.Length bytes from the front and consumes them.</summary>
    public int Read(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, Count);
        CopyOut(0, destination[..n]);
        Discard(n);
        return n;
    }

    public void Clear()
    {
        head = 0;
        Count = 0;
    }

    /// <summary>Gives the memory back to the pool when nothing is queued (a later write takes some again).</summary>
    public void Release()
    {
        if (Count == 0)
        {
            head = 0;
            ReturnBuffer();
        }
    }
}
