namespace SimNet.Windows.Networking;

/// <summary>What a <see cref="HostName"/> holds (Windows.Networking.HostNameType), with the Windows values.</summary>
public enum HostNameType
{
    /// <summary>A domain name (DNS name).</summary>
    DomainName = 0,

    /// <summary>An IPv4 address.</summary>
    Ipv4 = 1,

    /// <summary>An IPv6 address.</summary>
    Ipv6 = 2,

    /// <summary>A Bluetooth address; SimNet never produces one.</summary>
    Bluetooth = 3,
}
