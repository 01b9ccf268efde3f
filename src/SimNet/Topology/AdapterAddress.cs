using System.Net;
using System.Net.Sockets;
using SimNet.Ip;

namespace SimNet.Topology;

/// <summary>An address assigned to an adapter, with its prefix: <c>10.0.0.1/24</c>.</summary>
public sealed class AdapterAddress
{
    internal AdapterAddress(IPAddress address, int prefixLength)
    {
        Address = address;
        PrefixLength = prefixLength;
        Network = new IPNetwork(MaskTo(address, prefixLength), prefixLength);
        Broadcast = address.AddressFamily == AddressFamily.InterNetwork && prefixLength < 31
            ? AddressRules.DirectedBroadcast(Network)
            : null;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            IsV4 = true;
            V4Mask = AddressRules.V4Mask(prefixLength);
            V4Address = AddressRules.V4Value(address);
            V4Network = V4Address & V4Mask;
            V4Broadcast = Broadcast is null ? 0 : AddressRules.V4Value(Broadcast);
        }
    }

    // The IPv4 address, mask, network and broadcast as numbers (AddressRules.V4Value's form), kept in this object:
    // a route lookup or an ownership test to a host no datagram has touched lately then reads this one object
    // instead of also the IPAddress objects behind Address, Network and Broadcast (each a cache miss there).
    internal readonly bool IsV4;
    internal readonly uint V4Address;
    internal readonly uint V4Mask;
    internal readonly uint V4Network;
    internal readonly uint V4Broadcast; // meaningful only when Broadcast is not null

    /// <summary>Whether <paramref name="v4"/> (an IPv4 address as <see cref="AddressRules.V4Value"/>) is in this address's IPv4 subnet.</summary>
    internal bool V4Contains(uint v4) => IsV4 && (v4 & V4Mask) == V4Network;

    /// <summary>Whether <paramref name="destination"/> is this subnet's directed broadcast address.</summary>
    internal bool IsBroadcast(IPAddress destination) =>
        Broadcast is not null && destination.AddressFamily == AddressFamily.InterNetwork && AddressRules.V4Value(destination) == V4Broadcast;

    /// <summary>The address.</summary>
    public IPAddress Address { get; }

    /// <summary>The prefix length (0 to 32 for IPv4, 0 to 128 for IPv6).</summary>
    public int PrefixLength { get; }

    /// <summary>The network the address belongs to.</summary>
    public IPNetwork Network { get; }

    /// <summary>The subnet-directed broadcast address (IPv4 with a prefix shorter than /31), or null.</summary>
    public IPAddress? Broadcast { get; }

    /// <summary>Parses <c>address/prefix</c>. The prefix is required: a bare address is refused rather than read as a
    /// lone /32 or /128, which would leave its neighbours unreachable.</summary>
    /// <exception cref="FormatException">The text is not an address with a valid /prefix.</exception>
    public static (IPAddress Address, int PrefixLength) Parse(string cidr)
    {
        ArgumentNullException.ThrowIfNull(cidr);
        int slash = cidr.IndexOf('/');
        string addressText = slash < 0 ? cidr : cidr[..slash];
        if (!IPAddress.TryParse(addressText, out IPAddress? address))
        {
            throw new FormatException($"'{cidr}' is not an IP address with an optional /prefix.");
        }

        int max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        if (slash < 0)
        {
            string example = address.AddressFamily == AddressFamily.InterNetwork ? "24" : "64";
            throw new FormatException($"'{cidr}' has no prefix length: write it as address/prefix, e.g. '{cidr}/{example}' for a host on a /{example} subnet, or '{cidr}/{max}' for an address with no neighbours.");
        }

        int prefix;
        if ((!int.TryParse(cidr.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > max))
        {
            throw new FormatException($"'{cidr}' has a prefix length outside 0 to {max}.");
        }

        return (address, prefix);
    }

    private static IPAddress MaskTo(IPAddress address, int prefixLength)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int i = 0; i < bytes.Length; i++)
        {
            int bitsHere = Math.Clamp(prefixLength - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bitsHere));
        }

        return new IPAddress(bytes);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Address}/{PrefixLength}";
}
