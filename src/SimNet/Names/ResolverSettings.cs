using System.Net;

namespace SimNet.Names;

/// <summary>
/// A host's resolver configuration, like <c>/etc/resolv.conf</c>: name servers, search domains,
/// the ndots rule, the timeout and attempts (in virtual time), and the answer cache.
/// </summary>
/// <remarks>
/// Each attempt asks every name server in order, waiting <see cref="Timeout"/> for each, so silence
/// from all of them costs <see cref="Timeout"/> × <see cref="Attempts"/> × the number of servers.
/// A server that cannot be reached at all (no route, adapter down, ICMP port unreachable) is passed
/// over at once, without waiting.
/// </remarks>
public sealed class ResolverSettings
{
    private TimeSpan timeout = TimeSpan.FromSeconds(5);
    private int attempts = 2;
    private int ndots = 1;

    /// <summary>The name servers, asked in order (<c>nameserver</c> lines). Empty: names come from the topology (see <see cref="HostResolver"/>).</summary>
    public IList<IPAddress> NameServers { get; } = new List<IPAddress>();

    /// <summary>Domains appended to relative names, in order (<c>search</c>). The first is also the domain of SRV lookups for IP literals.</summary>
    public IList<string> SearchDomains { get; } = new List<string>();

    /// <summary>How long to wait for each server on each attempt (<c>options timeout:</c>). Default 5 s, as glibc.</summary>
    public TimeSpan Timeout
    {
        get => timeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            timeout = value;
        }
    }

    /// <summary>How many rounds over the servers (<c>options attempts:</c>). Default 2, as glibc.</summary>
    public int Attempts
    {
        get => attempts;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            attempts = value;
        }
    }

    /// <summary>A name with at least this many dots is tried as absolute before the search list (<c>options ndots:</c>). Default 1.</summary>
    public int Ndots
    {
        get => ndots;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ndots = value;
        }
    }

    /// <summary>Whether answers are cached for their TTL of virtual time. Default true (like a host running a caching stub such as systemd-resolved).</summary>
    public bool CacheEnabled { get; set; } = true;
}
