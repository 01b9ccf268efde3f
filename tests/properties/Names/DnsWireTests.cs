using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Names;
using SimNet.Testing;
using Xunit;

namespace SimNet.Properties.Names;

public class DnsWireTests
{
    internal static readonly Gen<string> Label =
        from length in Gen.Frequency((8, Gen.Choose(1, 8)), (1, Gen.Choose(9, 63)))
        from chars in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789-_".ToCharArray()), length)
        select new string(chars);

    internal static readonly Gen<string> Name =
        from count in Gen.Choose(1, 4)
        from labels in Gen.ArrayOf(Label, count)
        from zone in Gen.Elements("sim.", "z.sim.", "example.sim.")
        select string.Join('.', labels) + "." + zone;

    private static readonly Gen<DnsRecord> Record =
        from name in Name
        from ttl in Gen.Choose(0, 100000)
        from kind in Gen.Choose(0, 3)
        from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), 16)
        from target in Name
        from prio in Gen.Choose(0, 65535)
        from weight in Gen.Choose(0, 65535)
        from port in Gen.Choose(0, 65535)
        select kind switch
        {
            0 => DnsRecord.A(name, new IPAddress(bytes[..4]), TimeSpan.FromSeconds(ttl)),
            1 => DnsRecord.Aaaa(name, new IPAddress(bytes), TimeSpan.FromSeconds(ttl)),
            2 => DnsRecord.Cname(name, target, TimeSpan.FromSeconds(ttl)),
            _ => DnsRecord.Srv(name, prio, weight, port, target, TimeSpan.FromSeconds(ttl)),
        };

    internal static readonly Gen<DnsMessage> Message =
        from id in Gen.Choose(0, 65535)
        from flags in Gen.Choose(0, 65535)
        from qname in Name
        from qtype in Gen.Elements(DnsRecordType.A, DnsRecordType.Aaaa, DnsRecordType.Cname, DnsRecordType.Srv)
        from counts in Gen.Zip(Gen.Choose(0, 12), Gen.Zip(Gen.Choose(0, 3), Gen.Choose(0, 3)))
        from answers in Gen.ArrayOf(Record, counts.Item1)
        from authority in Gen.ArrayOf(Record, counts.Item2.Item1)
        from additional in Gen.ArrayOf(Record, counts.Item2.Item2)
        select Build((ushort)id, (ushort)(flags & ~0x0200 & ~0x0070), qname, qtype, answers, authority, additional);

    private static DnsMessage Build(ushort id, ushort flags, string qname, DnsRecordType qtype, IEnumerable<DnsRecord> an, IEnumerable<DnsRecord> ns, IEnumerable<DnsRecord> ar)
    {
        var m = DnsMessage.Query(id, qname, qtype);
        m.SetFlags(flags);
        m.Answers.AddRange(an);
        m.Authority.AddRange(ns);
        m.Additional.AddRange(ar);
        return m;
    }

    [SimNetProperty(MaxTest = 200)]
    public Property Dns_message_encode_then_decode_gives_back_the_same_message_with_names_compressed()
    {
        return Prop.ForAll(Arb.From(Message), m =>
        {
            byte[] wire = DnsWire.Encode(m);
            Assert.True(DnsWire.TryDecode(wire, out DnsMessage? back, out string? error), error);
            Assert.Equal(m.Id, back!.Id);
            Assert.Equal(m.Flags, back.Flags);
            Assert.Equal(m.Questions, back.Questions);
            Assert.Equal(m.Answers, back.Answers);
            Assert.Equal(m.Authority, back.Authority);
            Assert.Equal(m.Additional, back.Additional);

            // The question's name is written once; any record at the same name points at it.
            if (m.Answers.Count > 0 && m.Answers[0].Name == m.Questions[0].Name)
            {
                Assert.Equal(0xC0, wire[12 + m.Questions[0].Name.Length + 1 + 4]);
            }
        });
    }

    [SimNetProperty(MaxTest = 200)]
    public Property Dns_answer_over_512_bytes_is_cut_at_a_whole_record_and_sets_TC()
    {
        Gen<(DnsMessage Message, int Count)> big =
            from m in Message
            from extra in Gen.Choose(20, 60)
            select (WithMany(m, extra), m.Answers.Count + extra);
        return Prop.ForAll(Arb.From(big), x =>
        {
            byte[] wire = DnsWire.Encode(x.Message, DnsMessage.MaxUdpSize);
            Assert.InRange(wire.Length, 12, DnsMessage.MaxUdpSize);
            Assert.True(DnsWire.TryDecode(wire, out DnsMessage? back, out string? error), error);
            Assert.True(back!.Truncated);
            Assert.Equal(x.Message.Answers.Take(back.Answers.Count), back.Answers);
            Assert.True(back.Answers.Count < x.Count);
        });
    }

    private static DnsMessage WithMany(DnsMessage m, int extra)
    {
        for (int i = 0; i < extra; i++)
        {
            m.Answers.Add(DnsRecord.Aaaa(m.Questions[0].Name, IPAddress.Parse("fd00::" + (i + 1).ToString("x", System.Globalization.CultureInfo.InvariantCulture)), TimeSpan.FromSeconds(60)));
        }

        return m;
    }

    [SimNetProperty(MaxTest = 1000)]
    public Property Dns_parser_returns_only_a_parse_error_on_random_bytes()
    {
        Gen<byte[]> random = Gen.Choose(0, 600).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), n));
        return Prop.ForAll(Arb.From(random), data => Decodes(data));
    }

    [SimNetProperty(MaxTest = 1000)]
    public Property Dns_parser_returns_only_a_parse_error_on_mutated_messages()
    {
        Gen<byte[]> mutated =
            from m in Message
            from edits in Gen.ListOf(Gen.Zip(Gen.Choose(0, 100000), Gen.Choose(0, 255)))
            from cut in Gen.Choose(0, 100000)
            from truncate in Gen.Elements(true, false)
            select Mutate(DnsWire.Encode(m), edits, cut, truncate);
        return Prop.ForAll(Arb.From(mutated), data => Decodes(data));
    }

    internal static byte[] Mutate(byte[] wire, IEnumerable<(int, int)> edits, int cut, bool truncate)
    {
        foreach ((int at, int value) in edits)
        {
            // Bias towards the bytes that matter: counts, length bytes and pointers.
            wire[at % wire.Length] = (byte)(value % 3 == 0 ? 0xC0 | (value & 0x3F) : value);
        }

        return truncate ? wire[..(cut % (wire.Length + 1))] : wire;
    }

    private static bool Decodes(byte[] data)
    {
        bool ok = DnsWire.TryDecode(data, out DnsMessage? m, out string? error);
        Assert.True(ok ? m is not null && error is null : m is null && error is not null);
        return true;
    }

    [Fact]
    public void Dns_parser_refuses_pointer_loops_long_labels_long_names_and_truncation()
    {
        byte[] header = { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0 };

        // A pointer to itself, a pair pointing at each other, a label then a pointer back to the label.
        Assert.False(DnsWire.TryDecode(header.Concat(new byte[] { 0xC0, 12, 0, 1, 0, 1 }).ToArray(), out _, out _));
        Assert.False(DnsWire.TryDecode(header.Concat(new byte[] { 0xC0, 14, 0xC0, 12, 0, 1, 0, 1 }).ToArray(), out _, out _));
        Assert.False(DnsWire.TryDecode(header.Concat(new byte[] { 1, (byte)'a', 0xC0, 12, 0, 1, 0, 1 }).ToArray(), out _, out _));

        // A 64-byte label (length byte 0x40, a reserved label type).
        Assert.False(DnsWire.TryDecode(header.Concat(new byte[] { 64 }).Concat(new byte[64]).Concat(new byte[] { 0, 0, 1, 0, 1 }).ToArray(), out _, out _));

        // A name of 5 × 63-byte labels: 320 bytes on the wire.
        var longName = new List<byte>();
        for (int i = 0; i < 5; i++)
        {
            longName.Add(63);
            longName.AddRange(Enumerable.Repeat((byte)'a', 63));
        }

        Assert.False(DnsWire.TryDecode(header.Concat(longName).Concat(new byte[] { 0, 0, 1, 0, 1 }).ToArray(), out _, out string? tooLong));
        Assert.Contains("255", tooLong, StringComparison.Ordinal);

        // Every strict prefix of a valid message is refused.
        byte[] valid = DnsWire.Encode(DnsMessage.Query(7, "www.example.sim.", DnsRecordType.A));
        Assert.True(DnsWire.TryDecode(valid, out _, out _));
        for (int n = 0; n < valid.Length; n++)
        {
            Assert.False(DnsWire.TryDecode(valid.AsSpan(0, n), out _, out _));
        }

        // Counts claiming 65535 records in a tiny message are refused up front.
        Assert.False(DnsWire.TryDecode(new byte[] { 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0 }, out _, out _));
    }
}
