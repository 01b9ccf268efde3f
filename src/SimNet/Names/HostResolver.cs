using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Transport;

namespace SimNet.Names;

/// <summary>
/// Name resolution as seen from one host: host names to addresses, service names to ports, SRV
/// lookups, through real DNS datagrams to the name servers in <see cref="Settings"/>.
/// </summary>
/// <remarks>
/// <para>Host names: an IP literal is itself; <c>localhost</c> is the loopback addresses (as
/// <c>/etc/hosts</c> says); anything else goes to DNS, with the search list and ndots rule of
/// resolv.conf. With no name server configured, the resolver falls back to the topology: a host's
/// name resolves to its adapters' addresses in order, so code that never set up DNS still works.</para>
/// <para>For <see cref="AddressFamily.Unspecified"/> the resolver asks for A then AAAA and returns
/// the IPv4 addresses first.</para>
/// <para>Failures are the <see cref="SocketException"/> the real resolver gives: HostNotFound for
/// NXDOMAIN, NoData when the name exists without records of the family, TryAgain when every server
/// timed out, was unreachable or answered SERVFAIL. A timeout stops the search list there (each
/// further name would cost another timeout), so silence costs at most timeout × attempts × servers.</para>
/// <para>Work runs on the simulation's thread: called from elsewhere, it is posted there and
/// completes as the simulation is driven.</para>
/// </remarks>
public sealed class HostResolver
{
    // Made on first use (most hosts never resolve a name).
    private Dictionary<(string Name, DnsRecordType Type), (LookupResult Result, long ExpiresTicks)>? cache;

    private ResolverSettings? settings;

    internal HostResolver(Host host) => Host = host;

    /// <summary>The host doing the resolving.</summary>
    public Host Host { get; }

    /// <summary>The resolv.conf of this host; replace it with one from <see cref="ResolverSettings.Parse"/>, or edit it in place.</summary>
    public ResolverSettings Settings
    {
        get
        {
            if (settings is null)
            {
                Interlocked.CompareExchange(ref settings, new ResolverSettings(), null);
            }

            return settings;
        }

        set => settings = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Forgets every cached answer.</summary>
    public void FlushCache()
    {
        lock (Host.Simulation.Gate)
        {
            cache?.Clear();
        }
    }

    /// <summary>Resolves <paramref name="hostNameOrAddress"/> to addresses of <paramref name="family"/> (Unspecified for both).</summary>
    /// <exception cref="SocketException">HostNotFound, NoData or TryAgain, as the real resolver.</exception>
    public Task<IPAddress[]> GetHostAddressesAsync(string hostNameOrAddress, AddressFamily family, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostNameOrAddress);
        cancellationToken.ThrowIfCancellationRequested();
        return OnSimulation(async () => (await ResolveHostAsync(hostNameOrAddress, family, cancellationToken).ConfigureAwait(false)).Addresses);
    }

    /// <summary>
    /// Resolves a service to a port: a number is used as is; otherwise the host's services file
    /// (<see cref="Host.Services"/>); otherwise DNS SRV at <c>_service._proto.domain</c>, taking the
    /// first target in RFC 2782 order. The domain is <paramref name="hostName"/>; when that is null or
    /// an IP literal, the first search domain of <see cref="Settings"/>.
    /// </summary>
    /// <param name="service">A port number or a service name.</param>
    /// <param name="protocol">Udp or Tcp.</param>
    /// <param name="hostName">The remote host's name, whose domain an SRV query uses; may be an IP literal or null.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <exception cref="SocketException">HostNotFound: the service is unknown; NoData or TryAgain from DNS.</exception>
    public Task<int> ResolveServiceAsync(string service, ProtocolType protocol, string? hostName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        cancellationToken.ThrowIfCancellationRequested();
        if (int.TryParse(service, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port <= 65535)
        {
            return Task.FromResult(port);
        }

        string proto = ServicesFile.ProtocolName(protocol);
        if (service.Length == 0)
        {
            return Task.FromException<int>(new SocketException((int)SocketError.HostNotFound));
        }

        if (Host.Services.TryGetPort(service, proto, out port))
        {
            return Task.FromResult(port);
        }

        string? domain = hostName is null || IPAddress.TryParse(hostName, out _)
            ? (Settings.SearchDomains.Count > 0 ? Settings.SearchDomains[0] : null)
            : hostName;
        if (domain is null || Settings.NameServers.Count == 0)
        {
            return Task.FromException<int>(new SocketException((int)SocketError.HostNotFound));
        }

        string srvName = "_" + service + "._" + proto + "." + domain.TrimEnd('.') + (domain.EndsWith('.') ? "." : string.Empty);
        return OnSimulation(async () =>
        {
            DnsRecord[] targets = await ResolveSrvCoreAsync(srvName, cancellationToken).ConfigureAwait(false);
            return targets[0].Target == DnsName.Root ? throw new SocketException((int)SocketError.HostNotFound) : targets[0].Port;
        });
    }

    /// <summary>
    /// Looks up the SRV records at <paramref name="name"/> (for example <c>_sip._udp.example.sim</c>,
    /// relative names going through the search list) and returns them in the order RFC 2782 says to
    /// try them: lowest priority first, weighted draws from the simulation's seed within a priority.
    /// </summary>
    /// <exception cref="SocketException">HostNotFound, NoData or TryAgain; HostNotFound too when no name server is configured.</exception>
    public Task<DnsRecord[]> ResolveSrvAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        cancellationToken.ThrowIfCancellationRequested();
        if (Settings.NameServers.Count == 0)
        {
            return Task.FromException<DnsRecord[]>(new SocketException((int)SocketError.HostNotFound));
        }

        return OnSimulation(() => ResolveSrvCoreAsync(name, cancellationToken));
    }

    /// <summary>The canonical name (the end of any CNAME chain, without its trailing dot) and the addresses, for <c>Dns.GetHostEntry</c>.</summary>
    internal Task<(string CanonicalName, IPAddress[] Addresses)> GetHostEntryAsync(string hostNameOrAddress, AddressFamily family, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hostNameOrAddress);
        cancellationToken.ThrowIfCancellationRequested();
        return OnSimulation(() => ResolveHostAsync(hostNameOrAddress, family, cancellationToken));
    }

    private async Task<(string CanonicalName, IPAddress[] Addresses)> ResolveHostAsync(string hostNameOrAddress, AddressFamily family, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(hostNameOrAddress, out IPAddress? literal))
        {
            return (hostNameOrAddress, new[] { literal });
        }

        string name = hostNameOrAddress.TrimEnd('.');
        if (name.Length == 0 || string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) || Settings.NameServers.Count == 0)
        {
            return FromTopology(name, family);
        }

        if (DnsName.TryNormalize(hostNameOrAddress) is null)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        LookupResult result = await SearchAsync(hostNameOrAddress, candidate => LookupAddressesAsync(candidate, family, cancellationToken)).ConfigureAwait(false);
        Throw(result.Status);
        var addresses = new IPAddress[result.Records.Count];
        for (int i = 0; i < addresses.Length; i++)
        {
            addresses[i] = result.Records[i].Address!;
        }

        return (result.CanonicalName.TrimEnd('.'), addresses);
    }

    private async Task<DnsRecord[]> ResolveSrvCoreAsync(string name, CancellationToken cancellationToken)
    {
        if (DnsName.TryNormalize(name) is null)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        LookupResult result = await SearchAsync(name, candidate => QueryAsync(candidate, DnsRecordType.Srv, cancellationToken)).ConfigureAwait(false);
        Throw(result.Status);
        lock (Host.Simulation.Gate)
        {
            return SrvOrder.Order(result.Records, Host.Simulation.Random).ToArray();
        }
    }

    private static void Throw(LookupStatus status)
    {
        SocketError error = status switch
        {
            LookupStatus.Success => SocketError.Success,
            LookupStatus.NxDomain => SocketError.HostNotFound,
            LookupStatus.NoData => SocketError.NoData,
            _ => SocketError.TryAgain,
        };
        if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }
    }

    /// <summary>The pre-DNS behaviour, kept for hosts without a name server: names of the topology.</summary>
    private (string, IPAddress[]) FromTopology(string name, AddressFamily family)
    {
        bool self = name.Length == 0 || string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase);
        Host? target = self ? Host : Host.Simulation.FindHost(name);
        if (target is null)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        IEnumerable<IPAddress> candidates = name.Length > 0 && self
            ? new[] { IPAddress.Loopback, IPAddress.IPv6Loopback }
            : target.Adapters.SelectMany(a => a.Addresses).Select(a => a.Address);
        IPAddress[] result = candidates.Where(a => family == AddressFamily.Unspecified || a.AddressFamily == family).ToArray();
        return result.Length == 0 ? throw new SocketException((int)SocketError.NoData) : (name.Length == 0 ? Host.Name : name, result);
    }

    /// <summary>resolv.conf's search rule: names with at least ndots dots (or a trailing dot) are tried as given first.</summary>
    private async Task<LookupResult> SearchAsync(string name, Func<string, Task<LookupResult>> lookup)
    {
        var candidates = new List<string>();
        if (name.EndsWith('.'))
        {
            candidates.Add(name);
        }
        else
        {
            foreach (string domain in Settings.SearchDomains)
            {
                if (DnsName.TryNormalize(name + "." + domain.TrimEnd('.')) is { } joined)
                {
                    candidates.Add(joined);
                }
            }

            candidates.Insert(DnsName.Dots(name) >= Settings.Ndots ? 0 : candidates.Count, name);
        }

        LookupResult? noData = null;
        foreach (string candidate in candidates)
        {
            string fq = DnsName.TryNormalize(candidate)!;
            LookupResult r = await lookup(fq).ConfigureAwait(false);
            if (r.Status is LookupStatus.Success or LookupStatus.TryAgain)
            {
                return r;
            }

            if (r.Status == LookupStatus.NoData)
            {
                noData ??= r;
            }
        }

        return noData ?? new LookupResult(LookupStatus.NxDomain, name, Array.Empty<DnsRecord>());
    }

    private async Task<LookupResult> LookupAddressesAsync(string name, AddressFamily family, CancellationToken cancellationToken)
    {
        if (family == AddressFamily.InterNetwork)
        {
            return await QueryAsync(name, DnsRecordType.A, cancellationToken).ConfigureAwait(false);
        }

        if (family == AddressFamily.InterNetworkV6)
        {
            return await QueryAsync(name, DnsRecordType.Aaaa, cancellationToken).ConfigureAwait(false);
        }

        LookupResult v4 = await QueryAsync(name, DnsRecordType.A, cancellationToken).ConfigureAwait(false);
        if (v4.Status is LookupStatus.NxDomain or LookupStatus.TryAgain)
        {
            return v4;
        }

        // Addresses of either family are an answer; otherwise a timeout outranks "no data".
        LookupResult v6 = await QueryAsync(name, DnsRecordType.Aaaa, cancellationToken).ConfigureAwait(false);
        if (v4.Status == LookupStatus.Success || v6.Status == LookupStatus.Success)
        {
            return new LookupResult(LookupStatus.Success, v4.Status == LookupStatus.Success ? v4.CanonicalName : v6.CanonicalName, v4.Records.Concat(v6.Records).ToArray());
        }

        return v6.Status == LookupStatus.TryAgain ? v6 : v4;
    }

    /// <summary>One question to the configured servers, each attempt asking each server in order.</summary>
    private async Task<LookupResult> QueryAsync(string name, DnsRecordType type, CancellationToken cancellationToken)
    {
        Simulation sim = Host.Simulation;
        lock (sim.Gate)
        {
            if (cache is not null && cache.TryGetValue((name, type), out var hit))
            {
                if (sim.Clock.NowTicks < hit.ExpiresTicks)
                {
                    return hit.Result;
                }

                cache.Remove((name, type));
            }
        }

        IPAddress[] servers = Settings.NameServers.ToArray();
        TimeSpan timeout = Settings.Timeout;
        for (int attempt = 0; attempt < Settings.Attempts; attempt++)
        {
            foreach (IPAddress server in servers)
            {
                ushort id;
                lock (sim.Gate)
                {
                    id = (ushort)sim.Random.Next(65536);
                }

                DnsMessage? response = await DnsExchange.AskAsync(Host, server, DnsMessage.Query(id, name, type), timeout, cancellationToken).ConfigureAwait(false);
                if (response is null || response.Rcode is not (DnsRcode.NoError or DnsRcode.NxDomain))
                {
                    continue; // silence, unreachable, SERVFAIL, REFUSED: the next server
                }

                LookupResult result = Interpret(name, type, response);
                Remember(name, type, result, response);
                return result;
            }
        }

        return new LookupResult(LookupStatus.TryAgain, name, Array.Empty<DnsRecord>());
    }

    /// <summary>Follows the CNAME chain inside the answer section and keeps the records of <paramref name="type"/> at its end.</summary>
    private static LookupResult Interpret(string name, DnsRecordType type, DnsMessage response)
    {
        string current = name;
        for (int hop = 0; hop <= response.Answers.Count; hop++)
        {
            DnsRecord? alias = response.Answers.Find(r => r.Type == DnsRecordType.Cname && r.Name == current);
            if (alias is null || type == DnsRecordType.Cname)
            {
                break;
            }

            current = alias.Target!;
        }

        DnsRecord[] records = response.Answers.Where(r => r.Type == type && r.Name == current).ToArray();
        LookupStatus status = response.Rcode == DnsRcode.NxDomain ? LookupStatus.NxDomain
            : records.Length > 0 ? LookupStatus.Success
            : LookupStatus.NoData;
        return new LookupResult(status, current, records);
    }

    private void Remember(string name, DnsRecordType type, LookupResult result, DnsMessage response)
    {
        if (!Settings.CacheEnabled || result.Status != LookupStatus.Success)
        {
            return;
        }

        int ttl = response.Answers.Min(r => r.TtlSeconds);
        if (ttl <= 0)
        {
            return;
        }

        lock (Host.Simulation.Gate)
        {
            (cache ??= new())[(name, type)] = (result, Host.Simulation.Clock.NowTicks + (ttl * TimeSpan.TicksPerSecond));
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the simulation's context, so its awaits and draws are
    /// deterministic. The returned task completes on the simulation thread, during the pump that
    /// finishes the work, so a blocking caller waiting in <c>Simulation.WaitUntil</c> sees it at once.
    /// </summary>
    private Task<T> OnSimulation<T>(Func<Task<T>> work)
    {
        Simulation sim = Host.Simulation;
        if (SynchronizationContext.Current == sim.Context || sim.IsDriverThread)
        {
            // On the driving thread (with the simulation's context, or with none after a
            // ConfigureAwait(false)) the work's own completions already come back here in order.
            return work();
        }

        // From another thread: run the work as the host's software; Spawn publishes its end as a
        // completion, so the caller's continuation runs on the driving thread in order.
        T value = default!;
        Task spawned = sim.Spawn(Host, async () => value = await work().ConfigureAwait(false));
        return ResultOf(spawned);

        async Task<T> ResultOf(Task done)
        {
            await done.ConfigureAwait(false);
            return value;
        }
    }
}

/// <summary>How a lookup ended.</summary>
internal enum LookupStatus
{
    Success,
    NxDomain,
    NoData,
    TryAgain,
}

/// <summary>A lookup's outcome: the status, the name at the end of the CNAME chain, and the records found there.</summary>
internal sealed record LookupResult(LookupStatus Status, string CanonicalName, IReadOnlyList<DnsRecord> Records);
