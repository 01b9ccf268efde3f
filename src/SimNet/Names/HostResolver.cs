using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SimNet.Topology;

namespace SimNet.Names;

/// <summary>
/// Name resolution as seen from one host: host names to addresses, service names to ports.
/// </summary>
/// <remarks>
/// This first version answers IP literals, the names of hosts in the topology (their unicast
/// addresses, adapters in order) and numeric ports. Failures are the <see cref="SocketException"/>
/// the real resolver gives: <see cref="SocketError.HostNotFound"/> for an unknown name.
/// </remarks>
public sealed class HostResolver
{
    internal HostResolver(Host host) => Host = host;

    /// <summary>The host doing the resolving.</summary>
    public Host Host { get; }

    /// <summary>Resolves <paramref name="hostNameOrAddress"/> to addresses of <paramref name="family"/> (Unspecified for both).</summary>
    /// <exception cref="SocketException">HostNotFound: nothing answers for the name.</exception>
    public Task<IPAddress[]> GetHostAddressesAsync(string hostNameOrAddress, AddressFamily family, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostNameOrAddress);
        cancellationToken.ThrowIfCancellationRequested();
        if (IPAddress.TryParse(hostNameOrAddress, out IPAddress? literal))
        {
            return Task.FromResult(new[] { literal });
        }

        string name = hostNameOrAddress.TrimEnd('.');
        Host? target = string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) ? Host : Host.Simulation.FindHost(name);
        if (target is null)
        {
            return Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
        }

        var result = new List<IPAddress>();
        IEnumerable<IPAddress> candidates = target == Host && name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            ? new[] { IPAddress.Loopback, IPAddress.IPv6Loopback }
            : target.Adapters.SelectMany(a => a.Addresses).Select(a => a.Address);
        foreach (IPAddress a in candidates)
        {
            if (family == AddressFamily.Unspecified || a.AddressFamily == family)
            {
                result.Add(a);
            }
        }

        return result.Count == 0
            ? Task.FromException<IPAddress[]>(new SocketException((int)SocketError.NoData))
            : Task.FromResult(result.ToArray());
    }

    /// <summary>
    /// Resolves a service to a port: a number is used as is; otherwise the services file, then DNS SRV
    /// at <c>_service._proto.domain</c>.
    /// </summary>
    /// <param name="service">A port number or a service name.</param>
    /// <param name="protocol">Udp or Tcp.</param>
    /// <param name="hostName">The remote host's name, whose domain an SRV query uses; may be an IP literal or null.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <exception cref="SocketException">HostNotFound: the service is unknown.</exception>
    public Task<int> ResolveServiceAsync(string service, ProtocolType protocol, string? hostName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        cancellationToken.ThrowIfCancellationRequested();
        if (int.TryParse(service, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535)
        {
            return Task.FromResult(port);
        }

        return Task.FromException<int>(new SocketException((int)SocketError.HostNotFound));
    }
}
