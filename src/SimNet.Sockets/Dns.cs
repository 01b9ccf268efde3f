using System.Net;
using System.Net.Sockets;
using SimNet.Names;
using SimNet.Topology;

namespace SimNet.Sockets;

/// <summary>
/// Name resolution with the shape of <see cref="System.Net.Dns"/>, answering for the host the code
/// runs on (<see cref="Host.Current"/>) through that host's <see cref="HostResolver"/>: real DNS
/// datagrams to its name servers on the simulated network, or the topology when it has none.
/// </summary>
/// <remarks>
/// <para>Errors are the <see cref="SocketException"/> the real resolver gives: HostNotFound
/// (NXDOMAIN, or no such name anywhere), NoData (the name exists without addresses of the family),
/// TryAgain (every server silent after timeout × attempts, unreachable, or SERVFAIL).</para>
/// <para>The blocking forms drive the simulation until the answer comes (virtual time passes; the
/// wait never hangs: a lost query ends in TryAgain).</para>
/// </remarks>
public static class Dns
{
    /// <summary>The longest host name accepted, as <see cref="System.Net.Dns"/>.</summary>
    private const int MaxHostName = 255;

    /// <summary>The name of the current host.</summary>
    /// <exception cref="InvalidOperationException">No simulated host is current.</exception>
    public static string GetHostName() => CurrentHost().Name;

    /// <summary>Resolves a host name or IP literal to its addresses.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="hostNameOrAddress"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The name is longer than 255 characters.</exception>
    /// <exception cref="SocketException">HostNotFound, NoData or TryAgain.</exception>
    /// <exception cref="InvalidOperationException">No simulated host is current.</exception>
    public static IPAddress[] GetHostAddresses(string hostNameOrAddress) => GetHostAddresses(hostNameOrAddress, AddressFamily.Unspecified);

    /// <summary>Resolves a host name or IP literal to its addresses of <paramref name="family"/>.</summary>
    /// <inheritdoc cref="GetHostAddresses(string)" path="/exception"/>
    public static IPAddress[] GetHostAddresses(string hostNameOrAddress, AddressFamily family) =>
        Wait(GetHostAddressesAsync(hostNameOrAddress, family), nameof(GetHostAddresses), hostNameOrAddress);

    /// <inheritdoc cref="GetHostAddresses(string)"/>
    public static Task<IPAddress[]> GetHostAddressesAsync(string hostNameOrAddress) =>
        GetHostAddressesAsync(hostNameOrAddress, AddressFamily.Unspecified, CancellationToken.None);

    /// <inheritdoc cref="GetHostAddresses(string)"/>
    public static Task<IPAddress[]> GetHostAddressesAsync(string hostNameOrAddress, CancellationToken cancellationToken) =>
        GetHostAddressesAsync(hostNameOrAddress, AddressFamily.Unspecified, cancellationToken);

    /// <inheritdoc cref="GetHostAddresses(string, AddressFamily)"/>
    public static Task<IPAddress[]> GetHostAddressesAsync(string hostNameOrAddress, AddressFamily family, CancellationToken cancellationToken = default)
    {
        Validate(hostNameOrAddress, family);
        if (IPAddress.TryParse(hostNameOrAddress, out IPAddress? literal))
        {
            // System.Net.Dns answers a literal itself, filtered by family.
            return Task.FromResult(family == AddressFamily.Unspecified || literal.AddressFamily == family ? new[] { literal } : Array.Empty<IPAddress>());
        }

        return CurrentHost().Resolver.GetHostAddressesAsync(hostNameOrAddress, family, cancellationToken);
    }

    /// <summary>
    /// Resolves a host name to an entry: the canonical name (the end of any CNAME chain) and the
    /// addresses. An IP literal is looked up in reverse; SimNet has no PTR records, so the reverse
    /// answer is the name of the simulated host that owns the address, or HostNotFound.
    /// </summary>
    /// <inheritdoc cref="GetHostAddresses(string)" path="/exception"/>
    /// <exception cref="ArgumentException">The literal is 0.0.0.0 or ::.</exception>
    public static IPHostEntry GetHostEntry(string hostNameOrAddress) => GetHostEntry(hostNameOrAddress, AddressFamily.Unspecified);

    /// <inheritdoc cref="GetHostEntry(string)"/>
    public static IPHostEntry GetHostEntry(string hostNameOrAddress, AddressFamily family) =>
        Wait(GetHostEntryAsync(hostNameOrAddress, family), nameof(GetHostEntry), hostNameOrAddress);

    /// <summary>The reverse lookup of <paramref name="address"/> (see <see cref="GetHostEntry(string)"/>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="address"/> is null.</exception>
    /// <exception cref="ArgumentException">The address is 0.0.0.0 or ::.</exception>
    /// <exception cref="SocketException">HostNotFound: no simulated host owns the address.</exception>
    public static IPHostEntry GetHostEntry(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Reverse(address, nameof(address));
    }

    /// <inheritdoc cref="GetHostEntry(string)"/>
    public static Task<IPHostEntry> GetHostEntryAsync(string hostNameOrAddress) =>
        GetHostEntryAsync(hostNameOrAddress, AddressFamily.Unspecified, CancellationToken.None);

    /// <inheritdoc cref="GetHostEntry(string)"/>
    public static Task<IPHostEntry> GetHostEntryAsync(string hostNameOrAddress, CancellationToken cancellationToken) =>
        GetHostEntryAsync(hostNameOrAddress, AddressFamily.Unspecified, cancellationToken);

    /// <inheritdoc cref="GetHostEntry(string)"/>
    public static async Task<IPHostEntry> GetHostEntryAsync(string hostNameOrAddress, AddressFamily family, CancellationToken cancellationToken = default)
    {
        Validate(hostNameOrAddress, family);
        if (IPAddress.TryParse(hostNameOrAddress, out IPAddress? literal))
        {
            return Reverse(literal, nameof(hostNameOrAddress));
        }

        (string canonical, IPAddress[] addresses) = await CurrentHost().Resolver.GetHostEntryAsync(hostNameOrAddress, family, cancellationToken).ConfigureAwait(false);
        return new IPHostEntry { HostName = canonical, Aliases = Array.Empty<string>(), AddressList = addresses };
    }

    /// <inheritdoc cref="GetHostEntry(IPAddress)"/>
    public static Task<IPHostEntry> GetHostEntryAsync(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Task.FromResult(Reverse(address, nameof(address)));
    }

    /// <summary>
    /// Looks up the SRV records at <paramref name="serviceName"/> (<c>_service._proto.domain</c>) and
    /// returns them in the order RFC 2782 says to try them (priority, then weighted draws from the seed).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="serviceName"/> is null.</exception>
    /// <exception cref="SocketException">HostNotFound, NoData or TryAgain; HostNotFound when the host has no name server.</exception>
    /// <exception cref="InvalidOperationException">No simulated host is current.</exception>
    public static DnsRecord[] GetServiceRecords(string serviceName) =>
        Wait(GetServiceRecordsAsync(serviceName), nameof(GetServiceRecords), serviceName);

    /// <inheritdoc cref="GetServiceRecords(string)"/>
    public static Task<DnsRecord[]> GetServiceRecordsAsync(string serviceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceName);
        return CurrentHost().Resolver.ResolveSrvAsync(serviceName, cancellationToken);
    }

    private static void Validate(string hostNameOrAddress, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(hostNameOrAddress);
        if (hostNameOrAddress.Length > MaxHostName)
        {
            throw new ArgumentOutOfRangeException(nameof(hostNameOrAddress), $"The host name is longer than {MaxHostName} characters.");
        }

        if (family is not (AddressFamily.Unspecified or AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"The address family {family} is not supported; use InterNetwork, InterNetworkV6 or Unspecified.", nameof(family));
        }
    }

    private static IPHostEntry Reverse(IPAddress address, string paramName)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            throw new ArgumentException("0.0.0.0 and :: are not valid addresses to look up.", paramName);
        }

        Host self = CurrentHost();
        Host? owner = IPAddress.IsLoopback(address) ? self : self.Simulation.Hosts.FirstOrDefault(h => h.Adapters.Any(a => a.Owns(address)));
        return owner is null
            ? throw new SocketException((int)SocketError.HostNotFound)
            : new IPHostEntry { HostName = IPAddress.IsLoopback(address) ? "localhost" : owner.Name, Aliases = Array.Empty<string>(), AddressList = new[] { address } };
    }

    private static Host CurrentHost() => Host.Current ?? throw new InvalidOperationException(
        "SimNet.Sockets.Dns answers for the simulated host the code runs on, and none is current: call it inside Host.Run, Simulation.Run(host, ...) or Simulation.Spawn(host, ...).");

    private static T Wait<T>(Task<T> task, string method, string argument)
    {
        if (!task.IsCompleted)
        {
            Simulation sim = CurrentHost().Simulation;
            sim.WaitUntil(static t => t.IsCompleted, task, long.MaxValue, _ => $"Dns.{method}(\"{argument}\") on {Host.Current?.Name}");
        }

        return task.GetAwaiter().GetResult();
    }
}
