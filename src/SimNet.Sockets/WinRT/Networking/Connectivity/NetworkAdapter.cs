using System.Security.Cryptography;
using System.Text;
using TopologyAdapter = SimNet.Topology.NetworkAdapter;

namespace SimNet.Windows.Networking.Connectivity;

/// <summary>
/// A network adapter as WinRT shows it (Windows.Networking.Connectivity.NetworkAdapter), over a
/// SimNet <see cref="TopologyAdapter"/>. Get one from a local <see cref="HostName.IPInformation"/>.
/// </summary>
public sealed class NetworkAdapter
{
    private const uint IanaEthernet = 6;
    private const uint IanaSoftwareLoopback = 24;
    private const uint IanaWifi = 71;

    /// <summary>SimNet reports this speed: its links have no bandwidth limit.</summary>
    private const ulong ReportedBitsPerSecond = 1_000_000_000;

    internal NetworkAdapter(TopologyAdapter adapter)
    {
        Adapter = adapter;
        NetworkAdapterId = IdFor(adapter);
    }

    /// <summary>
    /// A stable identifier: a name-based (version 5) UUID of "host/adapter", so the same topology gives
    /// the same id in every run and process, and different adapters give different ids.
    /// </summary>
    public Guid NetworkAdapterId { get; }

    /// <summary>The IANA interface type: 24 for loopback, 71 (Wi-Fi) for adapters named <c>wlan*</c> or <c>wifi*</c>, 6 (Ethernet) otherwise.</summary>
    public uint IanaInterfaceType =>
        Adapter.IsLoopback ? IanaSoftwareLoopback
        : Adapter.Name.StartsWith("wlan", StringComparison.OrdinalIgnoreCase) || Adapter.Name.StartsWith("wifi", StringComparison.OrdinalIgnoreCase) ? IanaWifi
        : IanaEthernet;

    /// <summary>The inbound speed in bits per second. SimNet links are not rate-limited; reported as 1 Gb/s.</summary>
    public ulong InboundMaxBitsPerSecond => ReportedBitsPerSecond;

    /// <summary>The outbound speed in bits per second. SimNet links are not rate-limited; reported as 1 Gb/s.</summary>
    public ulong OutboundMaxBitsPerSecond => ReportedBitsPerSecond;

    /// <summary>The SimNet adapter underneath (a SimNet addition, for tests and tools).</summary>
    public TopologyAdapter Adapter { get; }

    /// <summary>Wraps a SimNet adapter (a SimNet addition: WinRT code gets adapters from <see cref="NetworkInformation.GetHostNames()"/>).</summary>
    public static NetworkAdapter From(TopologyAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        return new NetworkAdapter(adapter);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Adapter} {{{NetworkAdapterId}}}";

    private static readonly Guid SimNetNamespace = new("6f1b3c1e-5a7d-4f7e-9d51-5e3b0c2a9d10");

    private static Guid IdFor(TopologyAdapter adapter)
    {
        // RFC 9562 version 5: SHA-1 over namespace (network order) + name.
        Span<byte> ns = stackalloc byte[16];
        SimNetNamespace.TryWriteBytes(ns, bigEndian: true, out _);
        byte[] name = Encoding.UTF8.GetBytes(adapter.Host.Name + "/" + adapter.Name);
        byte[] input = new byte[16 + name.Length];
        ns.CopyTo(input);
        name.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        Span<byte> id = hash[..16];
        id[6] = (byte)((id[6] & 0x0F) | 0x50);
        id[8] = (byte)((id[8] & 0x3F) | 0x80);
        return new Guid(id, bigEndian: true);
    }
}
