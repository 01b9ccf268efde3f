using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Names;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.Names;

public class DnsServerTests
{
    [SimNetProperty(MaxTest = 20)]
    public Property Answer_too_big_for_512_bytes_sets_TC_on_the_wire_and_the_resolver_keeps_the_whole_records_that_came()
    {
        return Prop.ForAll(Arb.From(Gen.Zip(Gen.Choose(1, int.MaxValue), Gen.Choose(1, 60))), x =>
        {
            (Simulation sim, Host client, DnsServer server) = ResolutionTests.World(x.Item1);
            var all = Enumerable.Range(1, x.Item2).Select(i => IPAddress.Parse($"fd00:1::{i:x}")).ToArray();
            foreach (IPAddress a in all)
            {
                server.Zone.Add(DnsRecord.Aaaa("many.z.sim.", a, TimeSpan.FromMinutes(1)));
            }

            IPAddress[] got = Array.Empty<IPAddress>();
            client.Run(async () => got = await client.Resolver.GetHostAddressesAsync("many.z.sim", AddressFamily.InterNetworkV6));

            // Header 12 + question 16 + each AAAA 2 (pointer) + 10 + 16 = 28 bytes.
            int fit = (DnsMessage.MaxUdpSize - 12 - 16) / 28;
            Assert.Equal(all.Take(fit), got);
            TraceEvent answer = sim.Trace.Events.Last(e => e.Kind == TraceKind.Deliver && e.SourcePort == DnsServer.Port);
            Assert.True(answer.Length <= DnsMessage.MaxUdpSize);
        });
    }

    [SimNetProperty(MaxTest = 20)]
    public Property Resolution_is_real_DNS_traffic_and_replays_to_the_same_trace_hash_from_the_same_seed()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed =>
        {
            ulong Run()
            {
                (Simulation sim, Host client, DnsServer server) = ResolutionTests.World(seed);
                sim.Segments[0].Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(2), Jitter = TimeSpan.FromMilliseconds(3), LossRate = 0.3 };
                client.Resolver.Settings.Attempts = 30;
                server.Zone.Add(DnsRecord.Srv("_x._udp.z.sim.", 0, 10, 1, "a.z.sim.", TimeSpan.Zero));
                server.Zone.Add(DnsRecord.Srv("_x._udp.z.sim.", 0, 30, 2, "b.z.sim.", TimeSpan.Zero));
                client.Run(async () =>
                {
                    for (int i = 0; i < 5; i++)
                    {
                        await client.Resolver.GetHostAddressesAsync("ns.sim", AddressFamily.Unspecified);
                        await client.Resolver.ResolveServiceAsync("x", ProtocolType.Udp, "z.sim");
                    }
                });
                Assert.Contains(sim.Trace.Events, e => e.Kind == TraceKind.Send && e.DestinationPort == DnsServer.Port && e.Protocol == 17);
                Assert.Contains(sim.Trace.Events, e => e.Kind == TraceKind.Deliver && e.SourcePort == DnsServer.Port);
                return sim.Trace.Hash;
            }

            Assert.Equal(Run(), Run());
        });
    }

    [Fact]
    public async Task Resolver_called_from_outside_the_simulation_thread_completes_within_a_blocking_wait()
    {
        (Simulation sim, Host client, DnsServer _) = ResolutionTests.World(11);
        sim.Segments[0].Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(5) };

        // What a blocking socket call (Socket.Connect(string, int)) does from the test's thread.
        Task<IPAddress[]> pending = client.Resolver.GetHostAddressesAsync("ns.sim", AddressFamily.InterNetwork);
        Assert.False(pending.IsCompleted);
        Assert.True(sim.WaitUntil(static t => t.IsCompleted, pending, long.MaxValue, static _ => "the lookup"));
        Assert.Equal(TimeSpan.FromMilliseconds(10), sim.Clock.Elapsed);
        Assert.Equal(new[] { IPAddress.Parse("10.0.0.53") }, await pending);
    }

    [SimNetProperty(MaxTest = 20)]
    public Property Topology_names_follow_the_configured_domain_cover_every_adapter_address_and_switch_off()
    {
        Gen<(int Seed, int Hosts, string Domain)> cases =
            from seed in Gen.Choose(1, int.MaxValue)
            from hosts in Gen.Choose(1, 12)
            from domain in Gen.Elements("sim.", "corp.example.", "lab")
            select (seed, hosts, domain);
        return Prop.ForAll(Arb.From(cases), c =>
        {
            (Simulation sim, Host client, DnsServer server) = ResolutionTests.World(c.Seed);
            server.Zone.TopologyDomain = c.Domain;
            var r = new SimNet.Kernel.SimRandom((ulong)c.Seed);
            Host[] extra = Enumerable.Range(0, c.Hosts).Select(i =>
            {
                Host h = sim.AddHost($"n{i}");
                NetworkAdapter eth = h.AddAdapter("eth0", sim.Segments[0], $"10.0.1.{i + 1}/24");
                if (r.Next(2) == 0)
                {
                    eth.AddAddress($"fd00::1:{i + 1:x}/64");
                }

                if (r.Next(3) == 0)
                {
                    h.AddAdapter("eth1", sim.AddSegment($"s{i}"), $"192.168.{i}.1/24");
                }

                return h;
            }).ToArray();
            string suffix = "." + c.Domain.TrimEnd('.');
            client.Run(async () =>
            {
                foreach (Host h in extra)
                {
                    IPAddress[] got = await client.Resolver.GetHostAddressesAsync(h.Name + suffix, AddressFamily.Unspecified);
                    IPAddress[] want = h.Adapters.SelectMany(a => a.Addresses).Select(a => a.Address).OrderBy(a => a.AddressFamily).ToArray();
                    Assert.Equal(want, got);
                }
            });

            server.Zone.IncludeTopologyNames = false;
            client.Resolver.FlushCache();
            Exception? error = null;
            client.Run(async () =>
            {
                try
                {
                    await client.Resolver.GetHostAddressesAsync(extra[0].Name + suffix, AddressFamily.Unspecified);
                }
                catch (SocketException e)
                {
                    error = e;
                }
            });
            Assert.Equal(SocketError.HostNotFound, Assert.IsType<SocketException>(error).SocketErrorCode);
        });
    }

    [Fact]
    public void Server_answers_FORMERR_to_a_malformed_query_NOTIMP_to_other_opcodes_and_nothing_to_responses()
    {
        (Simulation _, Host _, DnsServer server) = ResolutionTests.World(2);
        byte[] query = DnsWire.Encode(DnsMessage.Query(0x4242, "ns.sim.", DnsRecordType.A));
        byte[] broken = query[..^3];
        Assert.True(DnsWire.TryDecode(server.Respond(broken), out DnsMessage? formErr, out _));
        Assert.Equal((DnsRcode.FormErr, (ushort)0x4242, true), (formErr!.Rcode, formErr.Id, formErr.IsResponse));

        byte[] status = (byte[])query.Clone();
        status[2] |= 2 << 3; // opcode STATUS
        Assert.True(DnsWire.TryDecode(server.Respond(status), out DnsMessage? notImp, out _));
        Assert.Equal(DnsRcode.NotImp, notImp!.Rcode);

        byte[] response = (byte[])query.Clone();
        response[2] |= 0x80;
        Assert.Null(server.Respond(response));
        Assert.Null(server.Respond(new byte[5]));
        Assert.Equal(3, server.Malformed);
    }

    [SimNetProperty(MaxTest = 20)]
    public Property Socket_connect_by_name_resolves_through_the_DNS_server_over_a_lossy_link_from_the_test_thread()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed =>
        {
            (Simulation sim, Host client, DnsServer server) = ResolutionTests.World(seed);
            sim.Segments[0].Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(1), LossRate = 0.2 };
            server.Zone.Add(DnsRecord.Cname("db.z.sim.", "ns.sim.", TimeSpan.FromMinutes(1)));
            client.Resolver.Settings = ResolverSettings.Parse("nameserver 10.0.0.53\nsearch z.sim\noptions attempts:5 timeout:1\n");
            client.Resolver.Settings.Attempts = 40; // beyond glibc's cap, so a 36% round-trip loss cannot beat it
            using var socket = new SimNet.Sockets.Socket(client, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect("db", 5353);
            Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.53"), 5353), socket.RemoteEndPoint);
            Assert.True(server.Answered >= 1);
        });
    }
}
