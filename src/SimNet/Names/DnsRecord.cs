using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SimNet.Names;

/// <summary>The DNS record types SimNet serves (RFC 1035, RFC 3596, RFC 2782).</summary>
public enum DnsRecordType
{
    /// <summary>An IPv4 address.</summary>
    A = 1,

    /// <summary>The canonical name this name is an alias of.</summary>
    Cname = 5,

    /// <summary>An IPv6 address.</summary>
    Aaaa = 28,

    /// <summary>A service location: priority, weight, port and target host (RFC 2782).</summary>
    Srv = 33,
}

/// <summary>
/// One resource record: a name, a type, a time to live, and the data of its type. Build them with
/// <see cref="A"/>, <see cref="Aaaa"/>, <see cref="Cname"/> and <see cref="Srv"/>.
/// </summary>
/// <remarks>
/// Names are fully qualified, written with a trailing dot and in lower case (DNS compares names
/// case-insensitively; SimNet folds them once, when they are made). A label is 1 to 63 bytes, any
/// byte but '.', and a whole name at most 255 bytes on the wire.
/// </remarks>
public sealed record DnsRecord
{
    private DnsRecord(string name, DnsRecordType type, int ttlSeconds)
    {
        Name = name;
        Type = type;
        TtlSeconds = ttlSeconds;
    }

    /// <summary>The owner name, fully qualified (<c>www.example.sim.</c>).</summary>
    public string Name { get; }

    /// <summary>The record type.</summary>
    public DnsRecordType Type { get; }

    /// <summary>How long a resolver may cache the record.</summary>
    public TimeSpan Ttl => TimeSpan.FromSeconds(TtlSeconds);

    /// <summary>The address of an A or AAAA record; null otherwise.</summary>
    public IPAddress? Address { get; private init; }

    /// <summary>The target name of a CNAME or SRV record; null otherwise.</summary>
    public string? Target { get; private init; }

    /// <summary>SRV priority: lower is tried first.</summary>
    public int Priority { get; private init; }

    /// <summary>SRV weight: relative chance among records of the same priority.</summary>
    public int Weight { get; private init; }

    /// <summary>SRV port.</summary>
    public int Port { get; private init; }

    internal int TtlSeconds { get; }

    /// <summary>An A record.</summary>
    /// <exception cref="ArgumentException">The address is not IPv4, or the name is not a valid DNS name.</exception>
    public static DnsRecord A(string name, IPAddress address, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException("An A record holds an IPv4 address.", nameof(address));
        }

        return new DnsRecord(DnsName.Require(name, nameof(name)), DnsRecordType.A, Seconds(ttl)) { Address = address };
    }

    /// <summary>An AAAA record.</summary>
    /// <exception cref="ArgumentException">The address is not IPv6, or the name is not a valid DNS name.</exception>
    public static DnsRecord Aaaa(string name, IPAddress address, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException("An AAAA record holds an IPv6 address.", nameof(address));
        }

        return new DnsRecord(DnsName.Require(name, nameof(name)), DnsRecordType.Aaaa, Seconds(ttl)) { Address = address };
    }

    /// <summary>A CNAME record: <paramref name="name"/> is an alias of <paramref name="target"/>.</summary>
    public static DnsRecord Cname(string name, string target, TimeSpan ttl) =>
        new(DnsName.Require(name, nameof(name)), DnsRecordType.Cname, Seconds(ttl)) { Target = DnsName.Require(target, nameof(target)) };

    /// <summary>An SRV record (RFC 2782). A target of "." says the service is decidedly not available at this name.</summary>
    public static DnsRecord Srv(string name, int priority, int weight, int port, string target, TimeSpan ttl)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(priority);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(priority, 65535);
        ArgumentOutOfRangeException.ThrowIfNegative(weight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, 65535);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return new DnsRecord(DnsName.Require(name, nameof(name)), DnsRecordType.Srv, Seconds(ttl))
        {
            Priority = priority,
            Weight = weight,
            Port = port,
            Target = DnsName.Require(target, nameof(target)),
        };
    }

    /// <summary>The same record with another TTL (used for the decremented TTL a cache hands out).</summary>
    internal DnsRecord WithTtl(int seconds) => new(Name, Type, seconds) { Address = Address, Target = Target, Priority = Priority, Weight = Weight, Port = Port };

    internal static DnsRecord FromWire(string name, DnsRecordType type, int ttl, IPAddress? address, string? target, int priority, int weight, int port) =>
        new(name, type, ttl) { Address = address, Target = target, Priority = priority, Weight = weight, Port = port };

    /// <summary>The record in zone-file presentation form.</summary>
    public override string ToString()
    {
        string data = Type switch
        {
            DnsRecordType.A or DnsRecordType.Aaaa => Address!.ToString(),
            DnsRecordType.Srv => string.Create(CultureInfo.InvariantCulture, $"{Priority} {Weight} {Port} {Target}"),
            _ => Target!,
        };
        return string.Create(CultureInfo.InvariantCulture, $"{Name} {TtlSeconds} IN {Type.ToString().ToUpperInvariant()} {data}");
    }

    private static int Seconds(TimeSpan ttl)
    {
        if (ttl < TimeSpan.Zero || ttl.TotalSeconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "A TTL is 0 to 2^31 - 1 seconds.");
        }

        return (int)ttl.TotalSeconds;
    }
}
