namespace SimNet.Names;

/// <summary>DNS response codes SimNet produces and understands (RFC 1035 §4.1.1).</summary>
internal enum DnsRcode
{
    NoError = 0,
    FormErr = 1,
    ServFail = 2,
    NxDomain = 3,
    NotImp = 4,
    Refused = 5,
}

/// <summary>A question: which name, which type, class IN.</summary>
internal readonly record struct DnsQuestion(string Name, DnsRecordType Type, int Class = DnsMessage.ClassIn);

/// <summary>A DNS message (RFC 1035 §4): header, question, answer, authority and additional sections.</summary>
internal sealed class DnsMessage
{
    public const int ClassIn = 1;

    /// <summary>Largest UDP DNS message without EDNS (RFC 1035 §2.3.4).</summary>
    public const int MaxUdpSize = 512;

    public ushort Id { get; set; }

    public bool IsResponse { get; set; }

    public int Opcode { get; set; }

    public bool Authoritative { get; set; }

    public bool Truncated { get; set; }

    public bool RecursionDesired { get; set; }

    public bool RecursionAvailable { get; set; }

    public DnsRcode Rcode { get; set; }

    public List<DnsQuestion> Questions { get; } = new();

    public List<DnsRecord> Answers { get; } = new();

    public List<DnsRecord> Authority { get; } = new();

    public List<DnsRecord> Additional { get; } = new();

    public static DnsMessage Query(ushort id, string name, DnsRecordType type)
    {
        var m = new DnsMessage { Id = id, RecursionDesired = true };
        m.Questions.Add(new DnsQuestion(name, type));
        return m;
    }

    /// <summary>A response to <paramref name="query"/> echoing its id, opcode, RD bit and question.</summary>
    public static DnsMessage ResponseTo(DnsMessage query, DnsRcode rcode)
    {
        var m = new DnsMessage
        {
            Id = query.Id,
            IsResponse = true,
            Opcode = query.Opcode,
            RecursionDesired = query.RecursionDesired,
            Rcode = rcode,
        };
        m.Questions.AddRange(query.Questions);
        return m;
    }

    public ushort Flags =>
        (ushort)((IsResponse ? 0x8000 : 0)
            | ((Opcode & 0xF) << 11)
            | (Authoritative ? 0x0400 : 0)
            | (Truncated ? 0x0200 : 0)
            | (RecursionDesired ? 0x0100 : 0)
            | (RecursionAvailable ? 0x0080 : 0)
            | ((int)Rcode & 0xF));

    public void SetFlags(ushort flags)
    {
        IsResponse = (flags & 0x8000) != 0;
        Opcode = (flags >> 11) & 0xF;
        Authoritative = (flags & 0x0400) != 0;
        Truncated = (flags & 0x0200) != 0;
        RecursionDesired = (flags & 0x0100) != 0;
        RecursionAvailable = (flags & 0x0080) != 0;
        Rcode = (DnsRcode)(flags & 0xF);
    }
}
