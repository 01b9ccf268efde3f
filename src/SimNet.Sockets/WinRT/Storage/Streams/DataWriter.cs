using System.Buffers.Binary;
using SimNet.Windows.Foundation;

namespace SimNet.Windows.Storage.Streams;

/// <summary>
/// Writes typed values into a buffer and stores them to an output stream (Windows.Storage.Streams.DataWriter).
/// On a <c>DatagramSocket</c> stream, each <see cref="StoreAsync"/> sends what was written since the last one as one datagram.
/// </summary>
/// <remarks>Defaults as on Windows: <see cref="ByteOrder.BigEndian"/> and <see cref="UnicodeEncoding.Utf8"/>.
/// <see cref="Dispose"/> closes the stream too, unless <see cref="DetachStream"/> was called first.</remarks>
public sealed class DataWriter : IDisposable
{
    private readonly List<byte> unstored = new();
    private IOutputStream? stream;
    private bool storing;
    private bool disposed;

    /// <summary>A writer with no stream: collect bytes and take them with <see cref="DetachBuffer"/>.</summary>
    public DataWriter()
    {
    }

    /// <summary>A writer that stores into <paramref name="outputStream"/>.</summary>
    public DataWriter(IOutputStream outputStream)
    {
        stream = outputStream ?? throw HResults.NullArgument(nameof(outputStream));
    }

    /// <summary>The byte order of multi-byte values; big-endian by default.</summary>
    public ByteOrder ByteOrder { get; set; } = ByteOrder.BigEndian;

    /// <summary>The encoding of strings; UTF-8 by default.</summary>
    public UnicodeEncoding UnicodeEncoding { get; set; } = UnicodeEncoding.Utf8;

    /// <summary>How many bytes are written but not yet stored.</summary>
    public uint UnstoredBufferLength => (uint)unstored.Count;

    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte value)
    {
        Check();
        unstored.Add(value);
    }

    /// <summary>Writes the bytes of <paramref name="value"/>.</summary>
    public void WriteBytes(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Check();
        unstored.AddRange(value);
    }

    /// <summary>Writes a boolean as one byte, 1 or 0.</summary>
    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    /// <summary>Writes a 16-bit integer in <see cref="ByteOrder"/>.</summary>
    public void WriteInt16(short value) => WriteUInt16(unchecked((ushort)value));

    /// <summary>Writes a 32-bit integer in <see cref="ByteOrder"/>.</summary>
    public void WriteInt32(int value) => WriteUInt32(unchecked((uint)value));

    /// <summary>Writes a 64-bit integer in <see cref="ByteOrder"/>.</summary>
    public void WriteInt64(long value) => WriteUInt64(unchecked((ulong)value));

    /// <summary>Writes an unsigned 16-bit integer in <see cref="ByteOrder"/>.</summary>
    public void WriteUInt16(ushort value) => WriteScalar(value, 2);

    /// <summary>Writes an unsigned 32-bit integer in <see cref="ByteOrder"/>.</summary>
    public void WriteUInt32(uint value) => WriteScalar(value, 4);

    /// <summary>Writes an unsigned 64-bit integer in <see cref="ByteOrder"/>.</summary>
    public void WriteUInt64(ulong value) => WriteScalar(value, 8);

    /// <summary>Writes an IEEE 754 single in <see cref="ByteOrder"/>.</summary>
    public void WriteSingle(float value) => WriteUInt32(BitConverter.SingleToUInt32Bits(value));

    /// <summary>Writes an IEEE 754 double in <see cref="ByteOrder"/>.</summary>
    public void WriteDouble(double value) => WriteUInt64(BitConverter.DoubleToUInt64Bits(value));

    /// <summary>Writes a GUID as its three integer fields in <see cref="ByteOrder"/>, then its last eight bytes as they are.</summary>
    public void WriteGuid(Guid value)
    {
        Span<byte> le = stackalloc byte[16];
        value.TryWriteBytes(le);
        WriteUInt32(BinaryPrimitives.ReadUInt32LittleEndian(le));
        WriteUInt16(BinaryPrimitives.ReadUInt16LittleEndian(le[4..]));
        WriteUInt16(BinaryPrimitives.ReadUInt16LittleEndian(le[6..]));
        Append(le[8..]);
    }

    /// <summary>Writes a date and time as Windows.Foundation.DateTime: 100 ns ticks since 1601-01-01 UTC, 64 bits.</summary>
    public void WriteDateTime(DateTimeOffset value) => WriteInt64(value.UtcTicks - DataReader.WindowsEpochTicks);

    /// <summary>Writes a time span as 100 ns ticks, 64 bits.</summary>
    public void WriteTimeSpan(TimeSpan value) => WriteInt64(value.Ticks);

    /// <summary>Writes a string in <see cref="UnicodeEncoding"/>, without a length prefix or terminator.</summary>
    /// <returns>The string's length in bytes.</returns>
    public uint WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        byte[] bytes = DataReader.EncodingFor(UnicodeEncoding).GetBytes(value);
        Append(bytes);
        return (uint)bytes.Length;
    }

    /// <summary>The size <paramref name="value"/> would take in <see cref="UnicodeEncoding"/>, in bytes.</summary>
    public uint MeasureString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (uint)DataReader.EncodingFor(UnicodeEncoding).GetByteCount(value);
    }

    /// <summary>Writes the unstored bytes to the stream as one write; completes with the count stored.</summary>
    /// <exception cref="InvalidOperationException">No stream, or a store is already running (0x8000000E).</exception>
    public async Task<uint> StoreAsync()
    {
        Check();
        IOutputStream target = stream ?? throw HResults.IllegalCall("This DataWriter has no stream to store to.");
        if (storing)
        {
            throw HResults.IllegalCall("A StoreAsync is already running on this DataWriter.");
        }

        byte[] bytes = unstored.ToArray();
        unstored.Clear();
        storing = true;
        try
        {
            return await target.WriteAsync(bytes).ConfigureAwait(false);
        }
        finally
        {
            storing = false;
        }
    }

    /// <summary>Flushes the stream.</summary>
    public Task<bool> FlushAsync()
    {
        Check();
        return stream?.FlushAsync() ?? Task.FromResult(true);
    }

    /// <summary>Takes the unstored bytes out of the writer.</summary>
    public byte[] DetachBuffer()
    {
        Check();
        byte[] bytes = unstored.ToArray();
        unstored.Clear();
        return bytes;
    }

    /// <summary>Lets go of the stream, so that disposing the writer leaves it open.</summary>
    public IOutputStream? DetachStream()
    {
        Check();
        IOutputStream? s = stream;
        stream = null;
        return s;
    }

    /// <summary>Closes the writer and its stream (unless detached).</summary>
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        stream?.Dispose();
        stream = null;
    }

    private void WriteScalar(ulong value, int size)
    {
        Span<byte> b = stackalloc byte[size];
        for (int i = 0; i < size; i++)
        {
            b[ByteOrder == ByteOrder.BigEndian ? size - 1 - i : i] = (byte)(value >> (8 * i));
        }

        Append(b);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Check();
        foreach (byte b in bytes)
        {
            unstored.Add(b);
        }
    }

    private void Check()
    {
        if (disposed)
        {
            throw HResults.ObjectClosed(nameof(DataWriter));
        }
    }
}
