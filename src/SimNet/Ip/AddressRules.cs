using System.Net;
using System.Net.Sockets;

namespace SimNet.Ip;

/// <summary>Classification of destination addresses, the way the IP layer sees them.</summary>
internal static class AddressRules
{
    public static bool IsLimitedBroadcast(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork && a.Equals(IPAddress.Broadcast);

    public static bool IsMulticast(IPAddress a)
    {
        if (a.AddressFamily == AddressFamily.InterNetwork)
        {
            int first = FirstOctet(a);
            return first >= 224 && first <= 239;
        }

        return a.AddressFamily == AddressFamily.InterNetworkV6 && a.IsIPv6Multicast;
    }

    /// <summary>The first octet of an IPv4 address, read without copying its bytes (this runs for every datagram).</summary>
    private static int FirstOctet(IPAddress v4) => (int)(V4Value(v4) & 0xFF);

    /// <summary>An IPv4 address's four bytes as one number (as stored: network order in memory), read without a copy.</summary>
    public static uint V4Value(IPAddress v4)
    {
#pragma warning disable CS0618 // IPAddress.Address is obsolete for IPv6 only; for IPv4 it holds the bytes in network order
        return (uint)v4.Address;
#pragma warning restore CS0618
    }

    /// <summary>The mask of a /<paramref name="prefixLength"/> IPv4 subnet in <see cref="V4Value"/>'s form (network order in memory).</summary>
    public static uint V4Mask(int prefixLength)
    {
        uint hostOrder = prefixLength <= 0 ? 0u : uint.MaxValue << (32 - Math.Min(prefixLength, 32));
        return BitConverter.IsLittleEndian ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(hostOrder) : hostOrder;
    }

    /// <summary>Groups that routers never forward: 224.0.0.0/24 and IPv6 scopes below site-local.</summary>
    public static bool IsLinkLocalMulticast(IPAddress a)
    {
        Span<byte> b = stackalloc byte[16];
        a.TryWriteBytes(b, out _);
        if (a.AddressFamily == AddressFamily.InterNetwork)
        {
            return b[0] == 224 && b[1] == 0 && b[2] == 0;
        }

        return (b[1] & 0x0F) <= 2;
    }

    public static bool IsLoopback(IPAddress a) => IPAddress.IsLoopback(a);

    public static bool IsAny(IPAddress a) => a.Equals(a.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any);

    /// <summary>The IPv4 address an IPv4-mapped IPv6 address stands for, or the address itself.</summary>
    public static IPAddress Unmap(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    /// <summary>The directed broadcast address of <paramref name="network"/> (IPv4 only).</summary>
    public static IPAddress DirectedBroadcast(IPNetwork network)
    {
        Span<byte> b = stackalloc byte[4];
        network.BaseAddress.TryWriteBytes(b, out _);
        uint value = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        uint hostMask = network.PrefixLength >= 32 ? 0u : uint.MaxValue >> network.PrefixLength;
        value |= hostMask;
        return new IPAddress(new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value });
    }

    /// <summary>
    /// Whether an IPv6 address needs a scope id to mean anything (Linux's __ipv6_addr_needs_scope_id):
    /// link-local unicast, and multicast of interface or link scope, written without one.
    /// </summary>
    public static bool NeedsScopeId(IPAddress a) =>
        a.AddressFamily == AddressFamily.InterNetworkV6 && a.ScopeId == 0
        && (a.IsIPv6LinkLocal || (a.IsIPv6Multicast && (a.GetAddressBytes()[1] & 0x0f) <= 2));
}
