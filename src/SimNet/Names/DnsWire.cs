using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace SimNet.Names;

/// <summary>
/// The RFC 1035 wire format: encoding with name compression and truncation, and a decoder that
/// treats its input as hostile (any byte string yields a message or an error, never an exception).
/// </summary>
/// <remarks>
/// Decoding rules: a compression pointer must point strictly before the lowest offset this name has
/// read so far, so every jump goes backwards and a loop cannot form; label types 01 and 10 (which is
/// every length byte from 64 to 191) are refused; a name longer than 255 bytes on the wire is refused;
/// section counts larger than the remaining bytes could hold are refused before anything is read.
/// Records of other classes than IN and of types SimNet does not know are skipped. Bytes after the
/// last section are ignored. Memory is bounded by the input: nothing is allocated per count.
/// </remarks>
internal static class DnsWire
{
    private const int HeaderSize = 12;
    private const int MinQuestion = 5;
    private const int MinRecord = 11;

    /// <summary>
    /// Encodes <paramref name="message"/>. When the answer or authority sections do not fit in
    /// <paramref name="maxSize"/> bytes, whole records are left out and the TC bit is set; additional
    /// records that do not fit are left out silently (RFC 2181 §9).
    /// </summary>
    public static byte[] Encode(DnsMessage message, int maxSize = 65535)
    {
        var w = new Writer();
        w.U16(message.Id);
        w.U16(0); // flags, written last (TC may change)
        w.U16((ushort)message.Questions.Count);
        w.U16(0);
        w.U16(0);
        w.U16(0);
        // Questions that do not fit are left out too, with TC set: no message ever exceeds maxSize.
        bool truncated = message.Truncated;
        bool full = false;
        int questions = 0;
        foreach (DnsQuestion q in message.Questions)
        {
            Writer.Mark mark = w.Save();
            w.Name(q.Name);
            w.U16((ushort)q.Type);
            w.U16((ushort)q.Class);
            if (w.Length > maxSize)
            {
                w.Restore(mark);
                full = true;
                truncated = true;
                break;
            }

            questions++;
        }

        int[] counts = new int[3];
        List<DnsRecord>[] sections = { message.Answers, message.Authority, message.Additional };
        for (int s = 0; s < 3 && !full; s++)
        {
            foreach (DnsRecord r in sections[s])
            {
                Writer.Mark mark = w.Save();
                w.Record(r);
                if (w.Length > maxSize)
                {
                    w.Restore(mark);
                    full = true;
                    truncated |= s < 2;
                    break;
                }

                counts[s]++;
            }
        }

        ushort flags = (ushort)((message.Flags & ~0x0200) | (truncated ? 0x0200 : 0));
        w.PatchU16(2, flags);
        w.PatchU16(4, (ushort)questions);
        w.PatchU16(6, (ushort)counts[0]);
        w.PatchU16(8, (ushort)counts[1]);
        w.PatchU16(10, (ushort)counts[2]);
        return w.ToArray();
    }

    /// <summary>Decodes a message; on failure <paramref name="error"/> says what was wrong and where.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, out DnsMessage? message, out string? error)
    {
        message = null;
        if (data.Length < HeaderSize)
        {
            error = "shorter than a DNS header";
            return false;
        }

        var m = new DnsMessage { Id = BinaryPrimitives.ReadUInt16BigEndian(data) };
        m.SetFlags(BinaryPrimitives.ReadUInt16BigEndian(data[2..]));
        int qd = BinaryPrimitives.ReadUInt16BigEndian(data[4..]);
        int an = BinaryPrimitives.ReadUInt16BigEndian(data[6..]);
        int ns = BinaryPrimitives.ReadUInt16BigEndian(data[8..]);
        int ar = BinaryPrimitives.ReadUInt16BigEndian(data[10..]);
        if (((long)qd * MinQuestion) + ((long)(an + ns + ar) * MinRecord) > data.Length - HeaderSize)
        {
            error = "section counts exceed the message length";
            return false;
        }

        int pos = HeaderSize;
        for (int i = 0; i < qd; i++)
        {
            if (!TryReadName(data, ref pos, out string? name, out error))
            {
                return false;
            }

            if (pos + 4 > data.Length)
            {
                error = $"question truncated at offset {pos}";
                return false;
            }

            var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
            int cls = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
            pos += 4;
            m.Questions.Add(new DnsQuestion(name!, type, cls));
        }

        List<DnsRecord>[] sections = { m.Answers, m.Authority, m.Additional };
        int[] counts = { an, ns, ar };
        for (int s = 0; s < 3; s++)
        {
            for (int i = 0; i < counts[s]; i++)
            {
                if (!TryReadRecord(data, ref pos, sections[s], out error))
                {
                    return false;
                }
            }
        }

        message = m;
        error = null;
        return true;
    }

    private static bool TryReadRecord(ReadOnlySpan<byte> data, ref int pos, List<DnsRecord> into, out string? error)
    {
        if (!TryReadName(data, ref pos, out string? name, out error))
        {
            return false;
        }

        if (pos + 10 > data.Length)
        {
            error = $"record header truncated at offset {pos}";
            return false;
        }

        var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(data[pos..]);
        int cls = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 2)..]);
        uint rawTtl = BinaryPrimitives.ReadUInt32BigEndian(data[(pos + 4)..]);
        int ttl = rawTtl > int.MaxValue ? 0 : (int)rawTtl; // RFC 2181 §8: a TTL with the top bit set means zero
        int length = BinaryPrimitives.ReadUInt16BigEndian(data[(pos + 8)..]);
        pos += 10;
        int end = pos + length;
        if (end > data.Length)
        {
            error = $"record data runs past the end (offset {pos}, length {length})";
            return false;
        }

        int at = pos;
        pos = end;
        if (cls != DnsMessage.ClassIn)
        {
            return true;
        }

        switch (type)
        {
            case DnsRecordType.A or DnsRecordType.Aaaa:
                int size = type == DnsRecordType.A ? 4 : 16;
                if (length != size)
                {
                    error = $"{type} record data is {length} bytes, not {size}";
                    return false;
                }

                into.Add(DnsRecord.FromWire(name!, type, ttl, new IPAddress(data.Slice(at, size)), null, 0, 0, 0));
                return true;
            case DnsRecordType.Cname:
                if (!TryReadName(data[..end], ref at, out string? target, out error) || !EndsAt(at, end, out error))
                {
                    return false;
                }

                into.Add(DnsRecord.FromWire(name!, type, ttl, null, target, 0, 0, 0));
                return true;
            case DnsRecordType.Srv:
                if (length < 7)
                {
                    error = "SRV record data shorter than 7 bytes";
                    return false;
                }

                int priority = BinaryPrimitives.ReadUInt16BigEndian(data[at..]);
                int weight = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]);
                int port = BinaryPrimitives.ReadUInt16BigEndian(data[(at + 4)..]);
                at += 6;
                if (!TryReadName(data[..end], ref at, out string? srvTarget, out error) || !EndsAt(at, end, out error))
                {
                    return false;
                }

                into.Add(DnsRecord.FromWire(name!, type, ttl, null, srvTarget, priority, weight, port));
                return true;
            default:
                return true; // a type SimNet does not serve: skipped, as a stub resolver would
        }
    }

    private static bool EndsAt(int at, int end, out string? error)
    {
        error = at == end ? null : $"record data has {end - at} bytes after its name";
        return error is null;
    }

    /// <summary>Reads a possibly compressed name at <paramref name="pos"/>, leaving <paramref name="pos"/> after it.</summary>
    internal static bool TryReadName(ReadOnlySpan<byte> data, ref int pos, out string? name, out string? error)
    {
        name = null;
        var sb = new StringBuilder();
        int at = pos;
        int lowest = pos;
        int resume = -1;
        int wire = 1;
        while (true)
        {
            if (at >= data.Length)
            {
                error = $"name runs past the end at offset {at}";
                return false;
            }

            int b = data[at];
            if (b == 0)
            {
                at++;
                break;
            }

            int kind = b & 0xC0;
            if (kind == 0xC0)
            {
                if (at + 1 >= data.Length)
                {
                    error = $"compression pointer truncated at offset {at}";
                    return false;
                }

                int target = ((b & 0x3F) << 8) | data[at + 1];
                if (target >= lowest)
                {
                    error = $"compression pointer at offset {at} to {target} does not point backwards (a loop)";
                    return false;
                }

                if (resume < 0)
                {
                    resume = at + 2;
                }

                lowest = target;
                at = target;
                continue;
            }

            if (kind != 0)
            {
                error = $"label length byte 0x{b:X2} at offset {at} (labels are at most 63 bytes; types 01 and 10 are reserved)";
                return false;
            }

            wire += b + 1;
            if (wire > DnsName.MaxWire)
            {
                error = "name longer than 255 bytes";
                return false;
            }

            if (at + 1 + b > data.Length)
            {
                error = $"label at offset {at} runs past the end";
                return false;
            }

            foreach (byte c in data.Slice(at + 1, b))
            {
                if (c == (byte)'.')
                {
                    error = $"label at offset {at} contains '.', which SimNet's names cannot hold";
                    return false;
                }

                sb.Append(c is >= (byte)'A' and <= (byte)'Z' ? (char)(c + 32) : (char)c);
            }

            sb.Append('.');
            at += 1 + b;
        }

        pos = resume >= 0 ? resume : at;
        name = sb.Length == 0 ? DnsName.Root : sb.ToString();
        error = null;
        return true;
    }

    private sealed class Writer
    {
        private readonly List<byte> bytes = new(512);
        private readonly List<(string Suffix, int Offset)> names = new();

        public readonly record struct Mark(int Length, int Names);

        public int Length => bytes.Count;

        public Mark Save() => new(bytes.Count, names.Count);

        public void Restore(Mark mark)
        {
            bytes.RemoveRange(mark.Length, bytes.Count - mark.Length);
            names.RemoveRange(mark.Names, names.Count - mark.Names);
        }

        public void U16(ushort value)
        {
            bytes.Add((byte)(value >> 8));
            bytes.Add((byte)value);
        }

        public void U32(uint value)
        {
            U16((ushort)(value >> 16));
            U16((ushort)value);
        }

        public void PatchU16(int at, ushort value)
        {
            bytes[at] = (byte)(value >> 8);
            bytes[at + 1] = (byte)value;
        }

        /// <summary>Writes a canonical name, pointing at an earlier copy of its longest known suffix.</summary>
        public void Name(string name, bool compress = true)
        {
            int start = 0;
            while (start < name.Length && name != DnsName.Root)
            {
                string suffix = name[start..];
                if (compress)
                {
                    int found = names.FindIndex(n => n.Suffix == suffix);
                    if (found >= 0)
                    {
                        U16((ushort)(0xC000 | names[found].Offset));
                        return;
                    }
                }

                if (bytes.Count < 0x4000)
                {
                    names.Add((suffix, bytes.Count));
                }

                int dot = name.IndexOf('.', start);
                bytes.Add((byte)(dot - start));
                for (int i = start; i < dot; i++)
                {
                    bytes.Add((byte)name[i]);
                }

                start = dot + 1;
            }

            bytes.Add(0);
        }

        public void Record(DnsRecord r)
        {
            Name(r.Name);
            U16((ushort)r.Type);
            U16(DnsMessage.ClassIn);
            U32((uint)r.TtlSeconds);
            int lengthAt = bytes.Count;
            U16(0);
            switch (r.Type)
            {
                case DnsRecordType.A or DnsRecordType.Aaaa:
                    bytes.AddRange(r.Address!.GetAddressBytes());
                    break;
                case DnsRecordType.Cname:
                    Name(r.Target!);
                    break;
                case DnsRecordType.Srv:
                    U16((ushort)r.Priority);
                    U16((ushort)r.Weight);
                    U16((ushort)r.Port);
                    Name(r.Target!, compress: false); // RFC 2782: the target is not compressed
                    break;
            }

            PatchU16(lengthAt, (ushort)(bytes.Count - lengthAt - 2));
        }

        public byte[] ToArray() => bytes.ToArray();
    }
}
