using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Kernel;
using SimNet.Names;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Transport;
using Xunit;
using Dns = SimNet.Sockets.Dns;

namespace SimNet.Properties.Names;

public class ResolutionTests
{
    private static readonly Gen<long> Seed = Gen.Choose(1, int.MaxValue).Select(i => (long)i);

    /// <summary>A LAN with a name server <c>ns</c> (10.0.0.53, fd00::53) and a client (10.0.0.2), the client pointed at the server.</summary>
    internal static (Simulation Sim, Host Client, DnsServer Server) World(long seed)
    {
        var sim = new Simulation(seed);
        Segment lan = sim.AddSegment("lan");
        Host ns = sim.AddHost("ns");
        ns.AddAdapter("eth0", lan, "10.0.0.53/24", "fd00::53/64");
        Host client = sim.AddHost("client");
        client.AddAdapter("eth0", lan, "10.0.0.2/24", "fd00::2/64");
        DnsServer server = DnsServer.Start(ns);
        client.Resolver.Settings.NameServers.Add(IPAddress.Parse("10.0.0.53"));
        return (sim, client, server);
    }

    private static Exception? Catch(Func<Task> work, Host host)
    {
        Exception? caught = null;
        host.Run(async () =>
        {
            try
            {
                await work();
            }
            catch (Exception e)
            {
                caught = e;
            }
        });
        return caught;
    }

    private static SocketError ErrorOf(Exception? e) => e is SocketException s ? s.SocketErrorCode : e is null ? SocketError.Success : throw e;

    /// <summary>A zone drawn from a seed: terminal names with A/AAAA sets, CNAME chains onto them or onto missing names.</summary>
    private sealed class ZoneModel
    {
        public readonly Dictionary<string, List<IPAddress>> Terminals = new();
        public readonly Dictionary<string, string> Aliases = new();
        public readonly List<string> Missing = new();
        public readonly List<string> Order = new();

        public ZoneModel(SimRandom r, DnsZone zone)
        {
            int terminals = r.Next(1, 7);
            for (int i = 0; i < terminals; i++)
            {
                string name = $"t{i}.z.sim.";
                var list = new List<IPAddress>();
                int v4 = r.Next(0, 4), v6 = r.Next(0, 3);
                for (int k = 0; k < v4; k++)
                {
                    list.Add(new IPAddress(new byte[] { 10, (byte)r.Next(256), (byte)r.Next(256), (byte)(k + 1) }));
                }

                for (int k = 0; k < v6; k++)
                {
                    byte[] b = new byte[16];
                    b[0] = 0xfd;
                    b[1] = (byte)r.Next(256);
                    b[15] = (byte)(k + 1);
                    list.Add(new IPAddress(b));
                }

                foreach (IPAddress a in list)
                {
                    zone.Add(a.AddressFamily == AddressFamily.InterNetwork ? DnsRecord.A(name, a, TimeSpan.FromSeconds(r.Next(1, 1000))) : DnsRecord.Aaaa(name, a, TimeSpan.FromSeconds(r.Next(1, 1000))));
                }

                if (list.Count > 0)
                {
                    Terminals[name] = list;
                    Order.Add(name);
                }
            }

            int missing = r.Next(1, 4);
            for (int i = 0; i < missing; i++)
            {
                Missing.Add($"m{i}.z.sim.");
            }

            int aliases = r.Next(0, 7);
            for (int i = 0; i < aliases; i++)
            {
                string name = $"c{i}.z.sim.";
                var targets = Order.Concat(Missing).ToList();
                string target = targets[r.Next(targets.Count)];
                zone.Add(DnsRecord.Cname(name, target, TimeSpan.FromSeconds(r.Next(1, 1000))));
                Aliases[name] = target;
                Order.Add(name);
            }
        }

        /// <summary>The addresses at the end of the chain, or null for NXDOMAIN.</summary>
        public List<IPAddress>? Expect(string name)
        {
            while (Aliases.TryGetValue(name, out string? next))
            {
                name = next;
            }

            return Terminals.TryGetValue(name, out List<IPAddress>? list) ? list : null;
        }
    }

    private static DnsMessage AskOnTheWire(Simulation sim, Host client, string name, DnsRecordType type)
    {
        var endpoint = new UdpEndpoint(client, AddressFamily.InterNetwork);
        Assert.Equal(SocketError.Success, endpoint.SendTo(DnsWire.Encode(DnsMessage.Query(99, name, type)), IPAddress.Parse("10.0.0.53"), 53));
        sim.RunUntilIdle();
        byte[] buffer = new byte[1024];
        Assert.Equal(SocketError.Success, endpoint.TryReceive(buffer, false, out ReceivedDatagram d));
        endpoint.Close(SocketError.OperationAborted);
        Assert.True(DnsWire.TryDecode(buffer.AsSpan(0, d.Length), out DnsMessage? m, out string? error), error);
        return m!;
    }

    [SimNetProperty(MaxTest = 40)]
    public Property Generated_zone_resolves_every_name_to_exactly_its_records_through_CNAME_chains_and_NXDOMAIN_for_the_rest_on_the_wire_and_in_the_API()
    {
        return Prop.ForAll(Arb.From(Seed), seed =>
        {
            (Simulation sim, Host client, DnsServer server) = World(seed);
            var model = new ZoneModel(new SimRandom((ulong)seed), server.Zone);
            foreach (string name in model.Order.Concat(model.Missing))
            {
                List<IPAddress>? expected = model.Expect(name);
                foreach (AddressFamily family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6, AddressFamily.Unspecified })
                {
                    IPAddress[]? wanted = expected?.Where(a => family == AddressFamily.Unspecified || a.AddressFamily == family).OrderBy(a => a.AddressFamily).ToArray();

                    // On the wire: one question per type, follow the chain in the answer.
                    var onWire = new List<IPAddress>();
                    DnsRcode rcode = DnsRcode.NoError;
                    foreach (DnsRecordType type in family switch { AddressFamily.InterNetwork => new[] { DnsRecordType.A }, AddressFamily.InterNetworkV6 => new[] { DnsRecordType.Aaaa }, _ => new[] { DnsRecordType.A, DnsRecordType.Aaaa } })
                    {
                        DnsMessage m = AskOnTheWire(sim, client, name, type);
                        Assert.True(m.IsResponse && m.Authoritative && !m.Truncated);
                        rcode = m.Rcode;
                        onWire.AddRange(m.Answers.Where(r => r.Type == type).Select(r => r.Address!));
                        Assert.All(m.Answers.Where(r => r.Type == DnsRecordType.Cname), r => Assert.Equal(model.Aliases[r.Name], r.Target));
                    }

                    // Through the API.
                    IPAddress[]? viaApi = null;
                    Exception? error = Catch(async () => viaApi = await client.Resolver.GetHostAddressesAsync(name.TrimEnd('.'), family), client);
                    if (wanted is null)
                    {
                        Assert.Equal(DnsRcode.NxDomain, rcode);
                        Assert.Equal(SocketError.HostNotFound, ErrorOf(error));
                    }
                    else if (wanted.Length == 0)
                    {
                        Assert.Equal(DnsRcode.NoError, rcode);
                        Assert.Empty(onWire);
                        Assert.Equal(SocketError.NoData, ErrorOf(error));
                    }
                    else
                    {
                        Assert.Equal(wanted, onWire);
                        Assert.Null(error);
                        Assert.Equal(wanted, viaApi);
                    }
                }
            }
        });
    }

    [SimNetProperty(MaxTest = 20)]
    public Property Srv_choice_follows_priority_strictly_and_weight_within_statistical_bounds()
    {
        Gen<(int Priority, int Weight)[]> records =
            from n in Gen.Choose(1, 6)
            from list in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 3), Gen.Frequency((1, Gen.Constant(0)), (4, Gen.Choose(1, 100)))), n)
            select list;
        return Prop.ForAll(Arb.From(Gen.Zip(records, Seed)), x =>
        {
            DnsRecord[] srv = x.Item1.Select((p, i) => DnsRecord.Srv("_s._udp.z.sim.", p.Priority, p.Weight, 1000 + i, $"h{i}.z.sim.", TimeSpan.FromMinutes(1))).ToArray();
            var random = new SimRandom((ulong)x.Item2);
            int draws = 3000;
            var firsts = new int[srv.Length];
            for (int d = 0; d < draws; d++)
            {
                List<DnsRecord> ordered = SrvOrder.Order(srv, random);
                Assert.Equal(srv.Length, ordered.Count);
                Assert.Equal(srv.OrderBy(r => r.Port), ordered.OrderBy(r => r.Port));
                for (int i = 1; i < ordered.Count; i++)
                {
                    Assert.True(ordered[i - 1].Priority <= ordered[i].Priority, "priority order is strict");
                }

                firsts[ordered[0].Port - 1000]++;
            }

            // Within the lowest priority, zero-weight records placed first, a draw in [0, sum] picks
            // record j with P = w_j / (sum + 1), the first record also owning the draw 0.
            int min = srv.Min(r => r.Priority);
            DnsRecord[] group = srv.Where(r => r.Priority == min).OrderBy(r => r.Weight == 0 ? 0 : 1).ToArray();
            int sum = group.Sum(r => r.Weight);
            for (int i = 0; i < group.Length; i++)
            {
                double p = (group[i].Weight + (i == 0 ? 1 : 0)) / (double)(sum + 1);
                double observed = firsts[group[i].Port - 1000] / (double)draws;
                double bound = (5 * Math.Sqrt(p * (1 - p) / draws)) + 0.002;
                Assert.InRange(observed, p - bound, p + bound);
            }

            foreach (DnsRecord r in srv.Where(r => r.Priority != min))
            {
                Assert.Equal(0, firsts[r.Port - 1000]);
            }
        });
    }

    [SimNetProperty(MaxTest = 30)]
    public Property Service_resolves_numeric_then_services_file_then_DNS_SRV_by_RFC_2782_with_the_first_search_domain_for_IP_literals()
    {
        return Prop.ForAll(Arb.From(Seed), seed =>
        {
            (Simulation sim, Host client, DnsServer server) = World(seed);
            var r = new SimRandom((ulong)seed);
            int bestPriority = r.Next(0, 10);
            int bestPort = r.Next(1024, 60000);
            server.Zone.Add(DnsRecord.Srv("_game._udp.z.sim.", bestPriority + 1 + r.Next(5), 50, bestPort + 1, "slow.z.sim.", TimeSpan.FromMinutes(5)));
            server.Zone.Add(DnsRecord.Srv("_game._udp.z.sim.", bestPriority, r.Next(0, 100), bestPort, "fast.z.sim.", TimeSpan.FromMinutes(5)));
            server.Zone.Add(DnsRecord.Srv("_http._udp.z.sim.", 0, 0, 8088, "web.z.sim.", TimeSpan.FromMinutes(5)));
            client.Resolver.Settings.SearchDomains.Add("z.sim");
            client.Services = ServicesFile.Parse($"game {bestPort + 7}/tcp\n");
            HostResolver resolver = client.Resolver;
            client.Run(async () =>
            {
                Assert.Equal(4242, await resolver.ResolveServiceAsync("4242", ProtocolType.Udp, "z.sim"));
                Assert.Equal(bestPort + 7, await resolver.ResolveServiceAsync("game", ProtocolType.Tcp, "z.sim"));
                Assert.Equal(bestPort, await resolver.ResolveServiceAsync("game", ProtocolType.Udp, "z.sim"));
                Assert.Equal(bestPort, await resolver.ResolveServiceAsync("game", ProtocolType.Udp, "10.0.0.53"));
                Assert.Equal(bestPort, await resolver.ResolveServiceAsync("game", ProtocolType.Udp, null));

                // The host's own file has no http: it falls through to DNS, not to the default file.
                Assert.Equal(8088, await resolver.ResolveServiceAsync("http", ProtocolType.Udp, "z.sim."));
                DnsRecord[] srv = await Dns.GetServiceRecordsAsync("_game._udp.z.sim");
                Assert.Equal(new[] { bestPort, bestPort + 1 }, srv.Select(x => x.Port));
            });
            client.Services = ServicesFile.Default;
            client.Run(async () => Assert.Equal(80, await resolver.ResolveServiceAsync("http", ProtocolType.Udp, "z.sim.")));
            Assert.Equal(SocketError.HostNotFound, ErrorOf(Catch(() => resolver.ResolveServiceAsync("nosuch", ProtocolType.Udp, "z.sim"), client)));
        });
    }

    [SimNetProperty(MaxTest = 40)]
    public Property Lossy_or_partitioned_path_to_the_name_server_ends_in_TryAgain_after_timeout_times_attempts_and_answers_when_loss_is_below_one()
    {
        Gen<(long Seed, int TimeoutMs, int Attempts, double Loss, bool Partition)> cases =
            from seed in Seed
            from timeout in Gen.Choose(100, 10000)
            from attempts in Gen.Choose(1, 5)
            from loss in Gen.Elements(0.0, 0.1, 0.3, 0.5, 0.7, 1.0)
            from partition in Gen.Elements(true, false)
            select (seed, timeout, attempts, loss, partition);
        return Prop.ForAll(Arb.From(cases), c =>
        {
            (Simulation sim, Host client, DnsServer _) = World(c.Seed);
            sim.Segments[0].Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(1), LossRate = c.Partition ? 0 : c.Loss };
            ResolverSettings settings = client.Resolver.Settings;
            settings.Timeout = TimeSpan.FromMilliseconds(c.TimeoutMs);
            double roundTrip = (1 - c.Loss) * (1 - c.Loss);
            bool answerable = !c.Partition && c.Loss < 1;

            // Enough attempts that the answer all but surely comes (failure below 1e-9).
            settings.Attempts = answerable && c.Loss > 0 ? (int)Math.Ceiling(Math.Log(1e-9) / Math.Log(1 - roundTrip)) : c.Attempts;
            if (c.Partition)
            {
                settings.NameServers[0] = IPAddress.Parse("10.0.0.99"); // on the segment, but nobody there
            }

            TimeSpan start = sim.Clock.Elapsed;
            IPAddress[]? result = null;
            Exception? error = Catch(async () => result = await client.Resolver.GetHostAddressesAsync("client.sim", AddressFamily.InterNetwork), client);
            TimeSpan took = sim.Clock.Elapsed - start;
            TimeSpan budget = settings.Timeout * settings.Attempts;
            if (answerable)
            {
                Assert.Null(error);
                Assert.Equal(new[] { IPAddress.Parse("10.0.0.2") }, result);
                Assert.True(took < budget);
            }
            else
            {
                Assert.Equal(SocketError.TryAgain, ErrorOf(error));
                Assert.Equal(budget, took);
            }
        });
    }

    [Fact]
    public void Name_server_behind_a_down_adapter_or_without_a_listener_fails_with_TryAgain_at_once()
    {
        (Simulation sim, Host client, DnsServer server) = World(5);
        server.Stop(); // ICMP port unreachable comes back
        TimeSpan start = sim.Clock.Elapsed;
        Assert.Equal(SocketError.TryAgain, ErrorOf(Catch(() => client.Resolver.GetHostAddressesAsync("ns.sim", AddressFamily.Unspecified), client)));
        Assert.True(sim.Clock.Elapsed - start < client.Resolver.Settings.Timeout);
        client.Adapters[0].IsUp = false;
        start = sim.Clock.Elapsed;
        Assert.Equal(SocketError.TryAgain, ErrorOf(Catch(() => client.Resolver.GetHostAddressesAsync("ns.sim", AddressFamily.Unspecified), client)));
        Assert.Equal(start, sim.Clock.Elapsed);
    }

    [SimNetProperty(MaxTest = 30)]
    public Property Cached_answer_is_used_until_its_TTL_of_virtual_time_has_passed_then_asked_again()
    {
        return Prop.ForAll(Arb.From(Gen.Zip(Seed, Gen.Choose(1, 86400))), x =>
        {
            (Simulation sim, Host client, DnsServer server) = World(x.Item1);
            TimeSpan ttl = TimeSpan.FromSeconds(x.Item2);
            server.Zone.Add(DnsRecord.A("svc.z.sim.", IPAddress.Parse("10.1.1.1"), ttl));
            IPAddress[] Resolve()
            {
                IPAddress[] got = Array.Empty<IPAddress>();
                client.Run(async () => got = await client.Resolver.GetHostAddressesAsync("svc.z.sim", AddressFamily.InterNetwork));
                return got;
            }

            Assert.Equal(IPAddress.Parse("10.1.1.1"), Resolve()[0]);
            long asked = server.Answered;
            TimeSpan cachedAt = sim.Clock.Elapsed;
            server.Zone.Remove("svc.z.sim", DnsRecordType.A);
            server.Zone.Add(DnsRecord.A("svc.z.sim.", IPAddress.Parse("10.2.2.2"), ttl));
            sim.RunFor(ttl - TimeSpan.FromTicks(1) - (sim.Clock.Elapsed - cachedAt));
            Assert.Equal(IPAddress.Parse("10.1.1.1"), Resolve()[0]);
            Assert.Equal(asked, server.Answered);
            sim.RunFor(TimeSpan.FromTicks(1));
            Assert.Equal(IPAddress.Parse("10.2.2.2"), Resolve()[0]);
            Assert.Equal(asked + 1, server.Answered);
        });
    }

    [SimNetProperty(MaxTest = 60)]
    public Property Server_survives_garbage_datagrams_and_keeps_answering()
    {
        Gen<byte[][]> garbage = Gen.ListOf(Gen.OneOf(
            Gen.Choose(0, 700).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(i => (byte)i), n)),
            from m in DnsWireTests.Message
            from edits in Gen.ListOf(Gen.Zip(Gen.Choose(0, 100000), Gen.Choose(0, 255)))
            from cut in Gen.Choose(0, 100000)
            from truncate in Gen.Elements(true, false)
            select DnsWireTests.Mutate(DnsWire.Encode(m), edits, cut, truncate))).Select(l => l.ToArray());
        return Prop.ForAll(Arb.From(Gen.Zip(Seed, garbage)), x =>
        {
            (Simulation sim, Host client, DnsServer server) = World(x.Item1);
            var endpoint = new UdpEndpoint(client, AddressFamily.InterNetwork);
            foreach (byte[] datagram in x.Item2)
            {
                Assert.Equal(SocketError.Success, endpoint.SendTo(datagram, IPAddress.Parse("10.0.0.53"), 53));
            }

            sim.RunUntilIdle();
            endpoint.Close(SocketError.OperationAborted);
            DnsMessage answer = AskOnTheWire(sim, client, "client.sim.", DnsRecordType.A);
            Assert.Equal(DnsRcode.NoError, answer.Rcode);
            Assert.Equal(IPAddress.Parse("10.0.0.2"), Assert.Single(answer.Answers).Address);
            IPAddress[] viaApi = Array.Empty<IPAddress>();
            client.Run(async () => viaApi = await Dns.GetHostAddressesAsync("ns.sim"));
            Assert.Equal(new[] { IPAddress.Parse("10.0.0.53"), IPAddress.Parse("fd00::53") }, viaApi);
        });
    }
}
