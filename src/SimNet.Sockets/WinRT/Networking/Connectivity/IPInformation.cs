namespace SimNet.Windows.Networking.Connectivity;

/// <summary>Where a local address lives (Windows.Networking.Connectivity.IPInformation).</summary>
public sealed class IPInformation
{
    internal IPInformation(NetworkAdapter adapter, byte? prefixLength)
    {
        NetworkAdapter = adapter;
        PrefixLength = prefixLength;
    }

    /// <summary>The adapter the address is assigned to.</summary>
    public NetworkAdapter NetworkAdapter { get; }

    /// <summary>The address's prefix length.</summary>
    public byte? PrefixLength { get; }
}
