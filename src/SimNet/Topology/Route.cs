using System.Net;

namespace SimNet.Topology;

/// <summary>A static route: packets for <see cref="Destination"/> go to <see cref="Gateway"/> (or on-link) through <see cref="Adapter"/>.</summary>
/// <param name="Destination">The prefix this route covers; <c>0.0.0.0/0</c> or <c>::/0</c> for a default route.</param>
/// <param name="Gateway">The next hop, or null for a route straight onto the adapter's segment.</param>
/// <param name="Adapter">The adapter the packets leave by.</param>
public sealed record Route(IPNetwork Destination, IPAddress? Gateway, NetworkAdapter Adapter);
