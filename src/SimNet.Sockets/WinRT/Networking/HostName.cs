using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SimNet.Windows.Foundation;
using SimNet.Windows.Networking.Connectivity;

namespace SimNet.Windows.Networking;

/// <summary>
/// A host name or an IP address (Windows.Networking.HostName).
/// </summary>
/// <remarks>
/// <para>Classification: four dotted decimal numbers (each 0 to 255) are <see cref="HostNameType.Ipv4"/>;
/// text with a colon that parses as an IPv6 address (optionally in brackets, optionally with a zone)
/// is <see cref="HostNameType.Ipv6"/>; anything else must be a domain name: labels of 1 to 63
/// letters, digits, hyphens or underscores (non-ASCII letters allowed), 255 characters at most,
/// one trailing dot allowed.</para>
/// <para>Canonical form (SimNet's choice, Windows does not publish one): an IPv4 address in dotted
/// decimal without leading zeros; an IPv6 address in RFC 5952 form (lower case, zeros compressed);
/// a domain name in lower case without its trailing dot. <see cref="IsEqual"/> and
/// <see cref="Compare"/> compare canonical names ordinally.</para>
/// </remarks>
public sealed class HostName
{
    /// <summary>Parses <paramref name="hostName"/>.</summary>
    /// <exception cref="ArgumentNullException">It is null (E_INVALIDARG).</exception>
    /// <exception cref="ArgumentException">It is empty or neither an address nor a valid domain name (E_INVALIDARG).</exception>
    public HostName(string hostName)
    {
        if (hostName is null)
        {
            throw HResults.NullArgument(nameof(hostName));
        }

        if (!TryClassify(hostName, out HostNameType type, out IPAddress? address, out string canonical))
        {
            throw HResults.BadArgument(nameof(hostName), $"'{hostName}' is not a valid host name or IP address.");
        }

        RawName = hostName;
        Type = type;
        Address = address;
        CanonicalName = canonical;
    }

    internal HostName(IPAddress address, IPInformation? information)
        : this(Ip.AddressRules.Unmap(address).ToString())
    {
        IPInformation = information;
    }

    /// <summary>Whether this is a domain name, an IPv4 address or an IPv6 address.</summary>
    public HostNameType Type { get; }

    /// <summary>The text the host name was created from, as given.</summary>
    public string RawName { get; }

    /// <summary>The canonical form (see remarks).</summary>
    public string CanonicalName { get; }

    /// <summary>The name for display: the canonical address for an IP address, the name as given for a domain name.</summary>
    public string DisplayName => Type == HostNameType.DomainName ? RawName : CanonicalName;

    /// <summary>The adapter and prefix length of a local address; set only on host names from <see cref="NetworkInformation.GetHostNames()"/>.</summary>
    public IPInformation? IPInformation { get; }

    /// <summary>The address, for <see cref="HostNameType.Ipv4"/> and <see cref="HostNameType.Ipv6"/>.</summary>
    internal IPAddress? Address { get; }

    /// <summary>Whether <paramref name="hostName"/> has the same canonical name.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="hostName"/> is null.</exception>
    public bool IsEqual(HostName hostName)
    {
        if (hostName is null)
        {
            throw HResults.NullArgument(nameof(hostName));
        }

        return string.Equals(CanonicalName, hostName.CanonicalName, StringComparison.Ordinal);
    }

    /// <summary>Compares the canonical names of two host names: negative, zero or positive.</summary>
    /// <exception cref="ArgumentException">Either is not a valid host name.</exception>
    public static int Compare(string value1, string value2) =>
        Math.Sign(string.CompareOrdinal(new HostName(value1).CanonicalName, new HostName(value2).CanonicalName));

    /// <summary>The display name.</summary>
    public override string ToString() => DisplayName;

    private static bool TryClassify(string text, out HostNameType type, out IPAddress? address, out string canonical)
    {
        type = HostNameType.DomainName;
        address = null;
        canonical = string.Empty;
        if (text.Length == 0)
        {
            return false;
        }

        if (IsDottedQuad(text))
        {
            address = IPAddress.Parse(text);
            type = HostNameType.Ipv4;
            canonical = address.ToString();
            return true;
        }

        if (text.Contains(':', StringComparison.Ordinal))
        {
            string inner = text.Length > 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
            if (IPAddress.TryParse(inner, out IPAddress? v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                address = v6;
                type = HostNameType.Ipv6;
                canonical = v6.ToString();
                return true;
            }

            return false;
        }

        if (!IsDomainName(text))
        {
            return false;
        }

        canonical = text.TrimEnd('.').ToLowerInvariant();
        return true;
    }

    private static bool IsDottedQuad(string text)
    {
        string[] parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (string p in parts)
        {
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || int.Parse(p, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDomainName(string text)
    {
        string name = text.EndsWith('.') ? text[..^1] : text;
        if (name.Length is 0 or > 255)
        {
            return false;
        }

        foreach (string label in name.Split('.'))
        {
            if (label.Length is 0 or > 63)
            {
                return false;
            }

            foreach (char c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_' || (c > 127 && char.IsLetterOrDigit(c))))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
