namespace SimNet.Windows.Networking;

/// <summary>
/// The local and remote ends of a connection (Windows.Networking.EndpointPair): host names and
/// service names (a service name or a port number as text).
/// </summary>
public sealed class EndpointPair
{
    /// <summary>Creates a pair; any part may be null here, the operation that uses the pair checks it.</summary>
    public EndpointPair(HostName? localHostName, string? localServiceName, HostName? remoteHostName, string? remoteServiceName)
    {
        LocalHostName = localHostName;
        LocalServiceName = localServiceName;
        RemoteHostName = remoteHostName;
        RemoteServiceName = remoteServiceName;
    }

    /// <summary>The local host name or address; null lets the system pick.</summary>
    public HostName? LocalHostName { get; set; }

    /// <summary>The local service name or port; empty lets the system pick (null is an error).</summary>
    public string? LocalServiceName { get; set; }

    /// <summary>The remote host name or address; required.</summary>
    public HostName? RemoteHostName { get; set; }

    /// <summary>The remote service name or port; required and not empty.</summary>
    public string? RemoteServiceName { get; set; }
}
