using System.Net;
using SimNet.Topology;

namespace SimNet.Ip;

/// <summary>What the IP layer decided for one outgoing packet.</summary>
internal readonly record struct RouteDecision(
    System.Net.Sockets.SocketError Error,
    NetworkAdapter? Adapter,
    IPAddress? NextHop,
    IPAddress? Source,
    bool IsBroadcast,
    bool IsMulticast,
    bool IsLocal)
{
    public static RouteDecision Fail(System.Net.Sockets.SocketError error) => new(error, null, null, null, false, false, false);
}
