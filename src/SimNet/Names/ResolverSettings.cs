using System.Globalization;
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

    /// <summary>
    /// Reads <c>/etc/resolv.conf</c> text: <c>nameserver</c> (at most 3 kept, as glibc), <c>search</c>
    /// and <c>domain</c> (the last of the two wins), and <c>options timeout:n attempts:n ndots:n</c>
    /// (glibc's caps: timeout 30 s, attempts 5, ndots 15). Comments start with <c>#</c> or <c>;</c>;
    /// unknown or malformed lines are ignored, as glibc ignores them.
    /// </summary>
    public static ResolverSettings Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var settings = new ResolverSettings();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Split('#', ';')[0];
            string[] f = line.Split(new[] { ' ', '\t', '\r' }, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2)
            {
                continue;
            }

            switch (f[0])
            {
                case "nameserver" when settings.NameServers.Count < 3 && IPAddress.TryParse(f[1], out IPAddress? server):
                    settings.NameServers.Add(server);
                    break;
                case "search" or "domain":
                    settings.SearchDomains.Clear();
                    foreach (string d in f.Skip(1).Take(f[0] == "domain" ? 1 : 6))
                    {
                        if (DnsName.TryNormalize(d) is not null)
                        {
                            settings.SearchDomains.Add(d.TrimEnd('.'));
                        }
                    }

                    break;
                case "options":
                    foreach (string option in f.Skip(1))
                    {
                        settings.ApplyOption(option);
                    }

                    break;
            }
        }

        return settings;
    }

    private void ApplyOption(string option)
    {
        int colon = option.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !int.TryParse(option.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            return;
        }

        switch (option[..colon])
        {
            case "timeout":
                Timeout = TimeSpan.FromSeconds(Math.Clamp(n, 1, 30));
                break;
            case "attempts":
                Attempts = Math.Clamp(n, 1, 5);
                break;
            case "ndots":
                Ndots = Math.Min(n, 15);
                break;
        }
    }

    /// <summary>Whether answers are cached for their TTL of virtual time. Default true (like a host running a caching stub such as systemd-resolved).</summary>
    public bool CacheEnabled { get; set; } = true;
}
