namespace SimNet.Transport.Tcp;

/// <summary>
/// A fixed-capacity byte queue: a TCP connection's send buffer (bytes not yet acknowledged) and
/// receive buffer (bytes in order, not yet read). Copying in and out is all it does.
/// </summary>
internal sealed class ByteRing
{
    private byte[] buffer;
    private int head;

    public ByteRing(int capacity) => buffer = new byte[Math.Max(capacity, 1)];

    public int Capacity => buffer.Length;

    public int Count { get; private set; }

    public int Free => buffer.Length - Count;

    /// <summary>Changes the capacity, keeping the content (never below <see cref="Count"/>).</summary>
    public void Resize(int capacity)
    {
        capacity = Math.Max(Math.Max(capacity, Count), 1);
        var next = new byte[capacity];
        CopyOut(0, next.AsSpan(0, Count));
        buffer = next;
        head = 0;
    }

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns how much did.</summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        int n = Math.Min(data.Length, Free);
        int tail = (head + Count) % buffer.Length;
        int first = Math.Min(n, buffer.Length - tail);
        data[..first].CopyTo(buffer.AsSpan(tail));
        data[first..n].CopyTo(buffer);
        Count += n;
        return n;
    }

    /// <summary>Copies <paramref name="destination"/>.Length bytes starting <paramref name="offset"/> bytes from the front, without consuming them.</summary>
    public void CopyOut(int offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > Count)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "Reading past the buffered bytes: a bug in SimNet's TCP.");
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

        head = (head + n) % buffer.Length;
        Count -= n;
        if (Count == 0)
        {
            head = 0;
        }
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
}
