using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using TopologyAdapter = SimNet.Topology.NetworkAdapter;

namespace SimNet.Windows.Networking.Sockets;

/// <summary>
/// Which adapters a WinRT limited broadcast (255.255.255.255) leaves through. Windows sends a
/// connected broadcast through the "first network adapter found" and a GetOutputStreamAsync
/// broadcast through every adapter; SimNet defines both over <see cref="Host.Adapters"/>.
/// </summary>
/// <remarks>
/// An adapter counts when it is up and has an IPv4 address; loopback never counts. "First" is the
/// first that counts in <see cref="Host.Adapters"/> order (the order adapters were added). Each copy
/// leaves with the adapter's first IPv4 address as its source. A socket bound to one adapter (or to
/// one address) uses only that adapter, if it counts.
/// </remarks>
internal static class BroadcastAdapters
{
    /// <summary>Whether <paramref name="adapter"/> can carry a limited broadcast.</summary>
    public static bool Counts(TopologyAdapter adapter) =>
        !adapter.IsLoopback && adapter.IsUp && adapter.PrimaryAddress(AddressFamily.InterNetwork) is not null;

    /// <summary>The source address of each adapter that carries the broadcast, in adapter order.</summary>
    /// <param name="host">The sending host.</param>
    /// <param name="only">The adapter the socket is tied to, or null for all of the host's adapters.</param>
    public static List<IPAddress> Sources(Host host, TopologyAdapter? only)
    {
        var sources = new List<IPAddress>();
        IEnumerable<TopologyAdapter> candidates = only is null ? host.Adapters : new[] { only };
        foreach (TopologyAdapter adapter in candidates)
        {
            if (Counts(adapter))
            {
                sources.Add(adapter.PrimaryAddress(AddressFamily.InterNetwork)!);
            }
        }

        return sources;
    }
}
