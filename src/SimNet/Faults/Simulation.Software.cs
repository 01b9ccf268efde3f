using SimNet.Topology;

namespace SimNet;

/// <summary>Hosts that run software: an async entry point a crash cancels and a restart runs again.</summary>
public sealed partial class Simulation
{
    /// <summary>
    /// Adds a host that runs <paramref name="software"/> (started when the simulation next runs, so add its
    /// adapters right after). Read <see cref="Host.Lifetime"/> for the token a crash cancels.
    /// </summary>
    public Host AddHost(string name, Func<Host, Task> software)
    {
        ArgumentNullException.ThrowIfNull(software);
        return AddHost(name, (host, _) => software(host));
    }

    /// <summary>Adds a host that runs <paramref name="software"/>, passing the token its crash cancels.</summary>
    public Host AddHost(string name, Func<Host, CancellationToken, Task> software)
    {
        ArgumentNullException.ThrowIfNull(software);
        Host host = AddHost(name);
        host.Start(software);
        return host;
    }
}
