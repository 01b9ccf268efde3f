using System.Globalization;
using System.Net;

namespace SimNet.Windows.Networking.Sockets;

/// <summary>
/// The local and remote ends of a <see cref="DatagramSocket"/> (Windows.Networking.Sockets.DatagramSocketInformation),
/// read live: null addresses and empty ports until the socket binds or connects.
/// </summary>
public sealed class DatagramSocketInformation
{
    private readonly DatagramSocket socket;

    internal DatagramSocketInformation(DatagramSocket socket) => this.socket = socket;

    /// <summary>The bound local address (the wildcard <c>::</c> when bound to every address), or null.</summary>
    public HostName? LocalAddress => socket.WithEndpoint(e => Name(e.LocalAddress));

    /// <summary>The bound local port, or empty.</summary>
    public string LocalPort => socket.WithEndpoint(e => e.IsBound ? e.LocalPort.ToString(CultureInfo.InvariantCulture) : string.Empty);

    /// <summary>The connected remote address, or null.</summary>
    public HostName? RemoteAddress => socket.WithEndpoint(e => Name(e.RemoteAddress));

    /// <summary>The connected remote port, or empty.</summary>
    public string RemotePort => socket.WithEndpoint(e => e.IsConnected ? e.RemotePort.ToString(CultureInfo.InvariantCulture) : string.Empty);

    private static HostName? Name(IPAddress? address) => address is null ? null : new HostName(address, null);
}
