using System.Text;
using SimNet.Windows.Foundation;

namespace SimNet.Windows.Storage.Streams;

/// <summary>
/// Reads typed values from loaded bytes (Windows.Storage.Streams.DataReader). Over a stream, call
/// <see cref="LoadAsync"/> first; a datagram's reader comes loaded with the whole datagram.
/// </summary>
/// <remarks>Reading past <see cref="UnconsumedBufferLength"/> fails with E_BOUNDS (0x8000000B), as on Windows.</remarks>
public sealed class DataReader : IDisposable
{
    /// <summary>Ticks from 0001-01-01 to 1601-01-01, the epoch of Windows.Foundation.DateTime.</summary>
    internal const long WindowsEpochTicks = 504911232000000000;

    private static readonly Encoding Utf16BigEndian = new System.Text.UnicodeEncoding(bigEndian: true, byteOrderMark: false);
    private static readonly Encoding Utf16LittleEndian = new System.Text.UnicodeEncoding(bigEndian: false, byteOrderMark: false);
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private byte[] buffer;
    private int start;
    private int end;
    private IInputStream? stream;
    private bool loading;
    private bool disposed;

    /// <summary>A reader over <paramref name="inputStream"/>; nothing is loaded until <see cref="LoadAsync"/>.</summary>
    public DataReader(IInputStream inputStream)
    {
        stream = inputStream ?? throw HResults.NullArgument(nameof(inputStream));
        buffer = Array.Empty<byte>();
    }

    private DataReader(byte[] loaded)
    {
        buffer = loaded;
        end = loaded.Length;
    }

    /// <summary>A reader over bytes already in memory (WinRT's <c>FromBuffer</c>).</summary>
    public static DataReader FromBuffer(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return new DataReader((byte[])buffer.Clone());
    }

    internal static DataReader Loaded(byte[] owned) => new(owned);

    /// <summary>The byte order of multi-byte values; big-endian by default.</summary>
    public ByteOrder ByteOrder { get; set; } = ByteOrder.BigEndian;

    /// <summary>The encoding of strings; UTF-8 by default.</summary>
    public UnicodeEncoding UnicodeEncoding { get; set; } = UnicodeEncoding.Utf8;

    /// <summary>How <see cref="LoadAsync"/> reads from the stream.</summary>
    public InputStreamOptions InputStreamOptions { get; set; }

    /// <summary>How many loaded bytes are not yet read.</summary>
    public uint UnconsumedBufferLength => (uint)(end - start);

    /// <summary>Loads up to <paramref name="count"/> bytes from the stream; completes with the count loaded.</summary>
    /// <exception cref="InvalidOperationException">No stream, or a load is already running (0x8000000E).</exception>
    public async Task<uint> LoadAsync(uint count)
    {
        Check();
        IInputStream source = stream ?? throw HResults.IllegalCall("This DataReader has no stream to load from.");
        if (loading)
        {
            throw HResults.IllegalCall("A LoadAsync is already running on this DataReader.");
        }

        loading = true;
        try
        {
            byte[] chunk = new byte[count];
            int total = 0;
            while (total < count)
            {
                uint n = await source.ReadAsync(chunk.AsMemory(total), InputStreamOptions).ConfigureAwait(false);
                total += (int)n;
                if (n == 0 || (InputStreamOptions & InputStreamOptions.Partial) != 0)
                {
                    break;
                }
            }

            Append(chunk.AsSpan(0, total));
            return (uint)total;
        }
        finally
        {
            loading = false;
        }
    }

    /// <summary>Reads one byte.</summary>
    public byte ReadByte() => Take(1)[0];

    /// <summary>Fills <paramref name="value"/> with the next bytes.</summary>
    public void ReadBytes(byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Take(value.Length).CopyTo(value);
    }

    /// <summary>Reads the next <paramref name="length"/> bytes into a new array (WinRT's <c>ReadBuffer</c>).</summary>
    public byte[] ReadBuffer(uint length) => Take(checked((int)length)).ToArray();

    /// <summary>Reads a boolean: any byte but 0 is true.</summary>
    public bool ReadBoolean() => ReadByte() != 0;

    /// <summary>Reads a 16-bit integer in <see cref="ByteOrder"/>.</summary>
    public short ReadInt16() => unchecked((short)ReadUInt16());

    /// <summary>Reads a 32-bit integer in <see cref="ByteOrder"/>.</summary>
    public int ReadInt32() => unchecked((int)ReadUInt32());

    /// <summary>Reads a 64-bit integer in <see cref="ByteOrder"/>.</summary>
    public long ReadInt64() => unchecked((long)ReadUInt64());

    /// <summary>Reads an unsigned 16-bit integer in <see cref="ByteOrder"/>.</summary>
    public ushort ReadUInt16() => (ushort)ReadScalar(2);

    /// <summary>Reads an unsigned 32-bit integer in <see cref="ByteOrder"/>.</summary>
    public uint ReadUInt32() => (uint)ReadScalar(4);

    /// <summary>Reads an unsigned 64-bit integer in <see cref="ByteOrder"/>.</summary>
    public ulong ReadUInt64() => ReadScalar(8);

    /// <summary>Reads an IEEE 754 single in <see cref="ByteOrder"/>.</summary>
    public float ReadSingle() => BitConverter.UInt32BitsToSingle(ReadUInt32());

    /// <summary>Reads an IEEE 754 double in <see cref="ByteOrder"/>.</summary>
    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadUInt64());

    /// <summary>Reads a GUID written by <see cref="DataWriter.WriteGuid"/>.</summary>
    public Guid ReadGuid()
    {
        uint a = ReadUInt32();
        ushort b = ReadUInt16();
        ushort c = ReadUInt16();
        ReadOnlySpan<byte> d = Take(8);
        return new Guid(a, b, c, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]);
    }

    /// <summary>Reads a Windows.Foundation.DateTime (100 ns ticks since 1601-01-01 UTC).</summary>
    public DateTimeOffset ReadDateTime() => new(ReadInt64() + WindowsEpochTicks, TimeSpan.Zero);

    /// <summary>Reads a time span of 100 ns ticks.</summary>
    public TimeSpan ReadTimeSpan() => TimeSpan.FromTicks(ReadInt64());

    /// <summary>Reads a string of <paramref name="codeUnitCount"/> code units (bytes in UTF-8, 16-bit units in UTF-16).</summary>
    public string ReadString(uint codeUnitCount)
    {
        int bytes = checked((int)codeUnitCount * (UnicodeEncoding == UnicodeEncoding.Utf8 ? 1 : 2));
        return EncodingFor(UnicodeEncoding).GetString(Take(bytes));
    }

    /// <summary>Lets go of the stream, so that disposing the reader leaves it open.</summary>
    public IInputStream? DetachStream()
    {
        Check();
        IInputStream? s = stream;
        stream = null;
        return s;
    }

    /// <summary>Closes the reader and its stream (unless detached).</summary>
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

    internal static Encoding EncodingFor(UnicodeEncoding encoding) => encoding switch
    {
        UnicodeEncoding.Utf16LE => Utf16LittleEndian,
        UnicodeEncoding.Utf16BE => Utf16BigEndian,
        _ => Utf8,
    };

    private ulong ReadScalar(int size)
    {
        ReadOnlySpan<byte> b = Take(size);
        ulong value = 0;
        for (int i = 0; i < size; i++)
        {
            value |= (ulong)b[ByteOrder == ByteOrder.BigEndian ? size - 1 - i : i] << (8 * i);
        }

        return value;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        Check();
        if (count < 0 || count > end - start)
        {
            throw HResults.OutOfBounds();
        }

        ReadOnlySpan<byte> span = buffer.AsSpan(start, count);
        start += count;
        return span;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        int unread = end - start;
        if (unread + bytes.Length > buffer.Length - start)
        {
            var grown = new byte[Math.Max(unread + bytes.Length, buffer.Length * 2)];
            buffer.AsSpan(start, unread).CopyTo(grown);
            buffer = grown;
            start = 0;
            end = unread;
        }

        bytes.CopyTo(buffer.AsSpan(end));
        end += bytes.Length;
    }

    private void Check()
    {
        if (disposed)
        {
            throw HResults.ObjectClosed(nameof(DataReader));
        }
    }
}
