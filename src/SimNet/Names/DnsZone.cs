using System.Net.Sockets;
using SimNet.Topology;

namespace SimNet.Names;

/// <summary>
/// The records a <see cref="DnsServer"/> answers from: records added by hand, and (unless switched
/// off) an A or AAAA record for every address of every host's adapters, named
/// <c>hostname.</c><see cref="TopologyDomain"/>.
/// </summary>
/// <remarks>
/// Topology names are computed when a query arrives, so hosts and addresses added later are found.
/// A name that has records added by hand does not also get topology records. Answers follow CNAME
/// chains inside the zone; the response code is that of the last name in the chain (RFC 6604), and a
/// chain longer than 16 links (a loop) is answered with SERVFAIL.
/// </remarks>
public sealed class DnsZone
{
    private const int MaxChain = 16;
    private readonly Simulation simulation;
    private readonly SortedDictionary<string, List<DnsRecord>> names = new(StringComparer.Ordinal);
    private string topologyDomain = "sim.";

    internal DnsZone(Simulation simulation) => this.simulation = simulation;

    /// <summary>Whether every host's adapter addresses are served as <c>hostname.domain</c>. Default true.</summary>
    public bool IncludeTopologyNames { get; set; } = true;

    /// <summary>The domain topology names live under. Default <c>sim.</c>, so host <c>a</c> is <c>a.sim.</c>.</summary>
    /// <exception cref="ArgumentException">Not a valid domain name.</exception>
    public string TopologyDomain
    {
        get => topologyDomain;
        set => topologyDomain = DnsName.Require(value, nameof(value));
    }

    /// <summary>The TTL of topology records. Default 60 seconds.</summary>
    public TimeSpan TopologyTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The records added by hand, ordered by name, then in the order added.</summary>
    public IEnumerable<DnsRecord> Records
    {
        get
        {
            lock (simulation.Gate)
            {
                return names.Values.SelectMany(l => l).ToArray();
            }
        }
    }

    /// <summary>Adds a record. A CNAME cannot share its name with other data (RFC 1034 §3.6.2).</summary>
    /// <exception cref="InvalidOperationException">The record would put a CNAME beside other records at one name.</exception>
    public DnsZone Add(DnsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (simulation.Gate)
        {
            if (!names.TryGetValue(record.Name, out List<DnsRecord>? list))
            {
                names.Add(record.Name, list = new List<DnsRecord>());
            }

            if (list.Count > 0 && (record.Type == DnsRecordType.Cname || list[0].Type == DnsRecordType.Cname))
            {
                throw new InvalidOperationException($"{record.Name} cannot hold a CNAME and other data.");
            }

            list.Add(record);
        }

        return this;
    }

    /// <summary>Removes every record of <paramref name="type"/> at <paramref name="name"/>; returns how many.</summary>
    public int Remove(string name, DnsRecordType type)
    {
        string key = DnsName.Require(name, nameof(name));
        lock (simulation.Gate)
        {
            if (!names.TryGetValue(key, out List<DnsRecord>? list))
            {
                return 0;
            }

            int n = list.RemoveAll(r => r.Type == type);
            if (list.Count == 0)
            {
                names.Remove(key);
            }

            return n;
        }
    }

    /// <summary>Answers a question: the CNAME chain from <paramref name="name"/>, then the records of <paramref name="type"/> at its end.</summary>
    internal DnsRcode Answer(string name, DnsRecordType type, List<DnsRecord> answers)
    {
        string current = name;
        for (int hop = 0; hop <= MaxChain; hop++)
        {
            IReadOnlyList<DnsRecord> here = RecordsAt(current);
            if (here.Count == 0)
            {
                return Exists(current) ? DnsRcode.NoError : DnsRcode.NxDomain;
            }

            if (here[0].Type == DnsRecordType.Cname && type != DnsRecordType.Cname)
            {
                answers.Add(here[0]);
                current = here[0].Target!;
                continue;
            }

            foreach (DnsRecord r in here)
            {
                if (r.Type == type)
                {
                    answers.Add(r);
                }
            }

            return DnsRcode.NoError;
        }

        answers.Clear();
        return DnsRcode.ServFail;
    }

    private IReadOnlyList<DnsRecord> RecordsAt(string name)
    {
        if (names.TryGetValue(name, out List<DnsRecord>? list))
        {
            return list;
        }

        return IncludeTopologyNames ? TopologyRecords(name) : Array.Empty<DnsRecord>();
    }

    /// <summary>Whether the name exists: it holds records, or a name below it does (an empty non-terminal answers NOERROR, not NXDOMAIN).</summary>
    private bool Exists(string name)
    {
        foreach (string held in names.Keys)
        {
            if (DnsName.IsAtOrBelow(held, name))
            {
                return true;
            }
        }

        return IncludeTopologyNames && DnsName.IsAtOrBelow(topologyDomain, name) && simulation.Hosts.Count > 0;
    }

    private List<DnsRecord> TopologyRecords(string name)
    {
        var result = new List<DnsRecord>();
        if (!DnsName.IsAtOrBelow(name, topologyDomain) || name == topologyDomain)
        {
            return result;
        }

        string label = name[..(name.Length - topologyDomain.Length - 1)];
        Host? host = label.Contains('.', StringComparison.Ordinal) ? null : simulation.FindHost(label);
        if (host is null)
        {
            return result;
        }

        foreach (NetworkAdapter adapter in host.Adapters)
        {
            foreach (AdapterAddress a in adapter.Addresses)
            {
                result.Add(a.Address.AddressFamily == AddressFamily.InterNetwork
                    ? DnsRecord.A(name, a.Address, TopologyTtl)
                    : DnsRecord.Aaaa(name, a.Address, TopologyTtl));
            }
        }

        return result;
    }
}
