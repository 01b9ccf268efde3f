using SimNet.Topology;
using SimNet.Transport.Sockets;

namespace SimNet.Windows.Networking.Connectivity;

/// <summary>What the host the code runs on knows about its network (Windows.Networking.Connectivity.NetworkInformation).</summary>
public static class NetworkInformation
{
    /// <summary>
    /// The host names of the current host (<see cref="Host.Current"/>): its name as a domain name, then
    /// every address of every adapter that is up, adapters in order, each with its
    /// <see cref="HostName.IPInformation"/>. Loopback addresses are not listed, as on Windows.
    /// </summary>
    /// <exception cref="InvalidOperationException">No host is current: call it from code run by <see cref="Host.Run"/>.</exception>
    public static IReadOnlyList<HostName> GetHostNames() =>
        GetHostNames(Host.Current ?? throw new InvalidOperationException("No current host: call GetHostNames from code run by Host.Run or Simulation.Run(host, ...), or pass the host."));

    /// <summary>The host names of <paramref name="host"/> (a SimNet addition, for code outside the simulation).</summary>
    public static IReadOnlyList<HostName> GetHostNames(Host host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var names = new List<HostName> { new(host.Name) };
        SocketCore.ReadWorld(host.Simulation, (host, names), static s =>
        {
            foreach (Topology.NetworkAdapter adapter in s.host.Adapters)
            {
                if (!adapter.IsUp)
                {
                    continue;
                }

                var wrapped = new NetworkAdapter(adapter);
                foreach (AdapterAddress a in adapter.Addresses)
                {
                    s.names.Add(new HostName(a.Address, new IPInformation(wrapped, (byte)a.PrefixLength)));
                }
            }

            return 0;
        });

        return names;
    }
}
