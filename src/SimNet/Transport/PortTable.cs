using System.Net;
using System.Net.Sockets;
using SimNet.Ip;
using SimNet.Topology;

namespace SimNet.Transport;

/// <summary>What the port table needs to know of a bound socket, UDP or TCP.</summary>
internal interface IPortBinding
{
    /// <summary>The bound address as given (an IPv6 socket may hold an IPv4-mapped one, ::ffff:0.0.0.0 included).</summary>
    IPAddress? BoundAddress { get; }

    int LocalPort { get; }

    bool ReuseAddress { get; }

    /// <summary>IPv4 socket, or IPv6 with DualMode.</summary>
    bool CoversIPv4 { get; }

    /// <summary>IPv6 socket.</summary>
    bool CoversIPv6 { get; }

    /// <summary>A listening TCP socket: Linux lets SO_REUSEADDR share a port with it for no one (inet_bind_conflict).</summary>
    bool IsListening { get; }
}

/// <summary>
/// One host's table of bound ports for one protocol, with the one set of Linux bind rules both UDP
/// and TCP follow: a crashed host binds nothing (NetworkDown); the address must be the host's own or
/// a wildcard, a group or a broadcast address (AddressNotAvailable, by IpLayer.CheckBindAddress); 0.0.0.0, also written ::ffff:0.0.0.0, is the IPv4 wildcard and
/// :: covers what its socket covers; two bindings that could take the same packet conflict
/// (AddressAlreadyInUse) unless both set ReuseAddress; port 0 draws an ephemeral port from the seed.
/// UDP and TCP each keep their own table, so both may use one port number.
/// </summary>
internal sealed class PortTable<T>
    where T : class, IPortBinding
{
    /// <summary>Linux's default <c>net.ipv4.ip_local_port_range</c>.</summary>
    public const int EphemeralLow = 32768;
    public const int EphemeralHigh = 60999;

    private readonly Host host;

    public PortTable(Host host) => this.host = host;

    /// <summary>The bindings in bind order (a list, not an interface: the demultiplexers walk it per packet).</summary>
    public List<T> Entries { get; } = new();

    /// <summary>
    /// Checks the binding of <paramref name="endpoint"/> to <paramref name="address"/>:<paramref name="port"/>
    /// and, when it is allowed, enters it and returns the port (drawn when 0); the caller then records
    /// the address and port on the endpoint.
    /// </summary>
    public SocketError Bind(T endpoint, IPAddress address, int port, out int boundPort)
    {
        boundPort = 0;
        if (!host.IsUp)
        {
            return SocketError.NetworkDown; // a crashed host's leftover code cannot open ports
        }

        // Which addresses a host can bind at all (its own, wildcards, groups, broadcast) is an IP rule: one place, IpLayer.
        SocketError allowed = host.Ip.CheckBindAddress(AddressRules.Unmap(address));
        if (allowed != SocketError.Success)
        {
            return allowed;
        }

        if (port == 0)
        {
            port = PickEphemeral(endpoint, address);
            if (port == 0)
            {
                return SocketError.AddressAlreadyInUse;
            }
        }
        else if (Conflicts(endpoint, address, port, ignoreReuse: false))
        {
            return SocketError.AddressAlreadyInUse;
        }

        Entries.Add(endpoint);
        boundPort = port;
        return SocketError.Success;
    }

    public void Unbind(T endpoint) => Entries.Remove(endpoint);

    /// <summary>
    /// Whether <paramref name="endpoint"/>, bound, may start listening: Linux checks the port again at
    /// listen(), and a socket sharing it by SO_REUSEADDR that is listening already makes it AddressAlreadyInUse.
    /// </summary>
    public bool ConflictsOnListen(T endpoint)
    {
        List<T> entries = Entries;
        for (int i = 0; i < entries.Count; i++)
        {
            T other = entries[i];
            if (other != endpoint && other.LocalPort == endpoint.LocalPort && other.IsListening
                && Overlap(other, other.BoundAddress!, endpoint, endpoint.BoundAddress!))
            {
                return true;
            }
        }

        return false;
    }

    public void Clear() => Entries.Clear();

    private int PickEphemeral(T endpoint, IPAddress address)
    {
        int span = EphemeralHigh - EphemeralLow + 1;
        int start = host.Simulation.Random.Next(span);
        for (int i = 0; i < span; i++)
        {
            int candidate = EphemeralLow + ((start + i) % span);
            if (!Conflicts(endpoint, address, candidate, ignoreReuse: true))
            {
                return candidate;
            }
        }

        return 0;
    }

    private bool Conflicts(T newcomer, IPAddress address, int port, bool ignoreReuse)
    {
        List<T> entries = Entries;
        for (int i = 0; i < entries.Count; i++)
        {
            T other = entries[i];
            if (other.LocalPort == port && Overlap(other, other.BoundAddress!, newcomer, address)
                && (ignoreReuse || !(other.ReuseAddress && newcomer.ReuseAddress) || other.IsListening))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether two bindings could take the same packet (same address, or one is a wildcard of a family the other covers).</summary>
    private static bool Overlap(T a, IPAddress aAddress, T b, IPAddress bAddress)
    {
        IPAddress pa = AddressRules.Unmap(aAddress), pb = AddressRules.Unmap(bAddress);
        bool aAny = AddressRules.IsAny(pa), bAny = AddressRules.IsAny(pb);
        if (!aAny && !bAny)
        {
            return pa.Equals(pb);
        }

        (bool aV4, bool aV6) = Coverage(a, pa, aAny);
        (bool bV4, bool bV6) = Coverage(b, pb, bAny);
        return (aV4 && bV4) || (aV6 && bV6);
    }

    /// <summary>
    /// Which families a binding can take: a specific address its own; 0.0.0.0 (also written
    /// ::ffff:0.0.0.0) IPv4 only; :: what the socket covers (IPv4 too when dual-mode).
    /// </summary>
    private static (bool V4, bool V6) Coverage(T socket, IPAddress plain, bool isAny)
    {
        bool v4 = plain.AddressFamily == AddressFamily.InterNetwork;
        if (!isAny)
        {
            return (v4, !v4);
        }

        return v4 ? (socket.CoversIPv4, false) : (socket.CoversIPv4, socket.CoversIPv6);
    }
}
