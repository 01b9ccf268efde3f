using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Names;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;
using Dns = SimNet.Sockets.Dns;

namespace SimNet.Properties.Names;

public class DnsApiTests
{
    private static SocketError Blocking(Host host, Action call)
    {
        SocketError error = SocketError.Success;
        host.Run(() =>
        {
            try
            {
                call();
            }
            catch (SocketException e)
            {
                error = e.SocketErrorCode;
            }

            return Task.CompletedTask;
        });
        return error;
    }

    [SimNetProperty(MaxTest = 20)]
    public Property Dns_maps_NXDOMAIN_to_HostNotFound_no_records_to_NoData_and_SERVFAIL_or_timeout_to_TryAgain()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(1, int.MaxValue)), seed =>
        {
            (Simulation sim, Host client, DnsServer server) = ResolutionTests.World(seed);
            server.Zone.Add(DnsRecord.Aaaa("six.z.sim.", IPAddress.Parse("fd00::6"), TimeSpan.FromMinutes(1)));
            server.Zone.Add(DnsRecord.Cname("www.z.sim.", "six.z.sim.", TimeSpan.FromMinutes(1)));
            client.Resolver.Settings.SearchDomains.Add("z.sim");

            Assert.Equal(SocketError.HostNotFound, Blocking(client, () => Dns.GetHostAddresses("nope.z.sim")));
            Assert.Equal(SocketError.NoData, Blocking(client, () => Dns.GetHostAddresses("six", AddressFamily.InterNetwork)));
            IPHostEntry entry = null!;
            Assert.Equal(SocketError.Success, Blocking(client, () => entry = Dns.GetHostEntry("www")));
            Assert.Equal("six.z.sim", entry.HostName);
            Assert.Equal(new[] { IPAddress.Parse("fd00::6") }, entry.AddressList);

            server.Failing = true;
            TimeSpan before = sim.Clock.Elapsed;
            Assert.Equal(SocketError.TryAgain, Blocking(client, () => Dns.GetHostAddresses("other.z.sim")));
            Assert.True(sim.Clock.Elapsed - before < client.Resolver.Settings.Timeout, "SERVFAIL is an answer, not a timeout");
            server.Stop();
            client.Resolver.Settings.NameServers[0] = IPAddress.Parse("10.0.0.77");
            before = sim.Clock.Elapsed;
            Assert.Equal(SocketError.TryAgain, Blocking(client, () => Dns.GetHostEntry("other.z.sim")));
            Assert.Equal(client.Resolver.Settings.Timeout * client.Resolver.Settings.Attempts, sim.Clock.Elapsed - before);

            // The cache still answers what it learnt (answers with records only: no negative caching).
            Assert.Equal(SocketError.Success, Blocking(client, () => Dns.GetHostAddresses("www.z.sim", AddressFamily.InterNetworkV6)));
        });
    }

    [Fact]
    public void Dns_validates_arguments_like_System_Net_Dns_and_needs_a_current_host()
    {
        (Simulation _, Host client, DnsServer _) = ResolutionTests.World(3);
        var outside = Assert.Throws<InvalidOperationException>(() => Dns.GetHostAddresses("ns.sim"));
        Assert.Contains("Host.Run", outside.Message, StringComparison.Ordinal);
        client.Run(() =>
        {
            Assert.Throws<ArgumentNullException>(() => Dns.GetHostAddresses(null!));
            Assert.Throws<ArgumentOutOfRangeException>(() => Dns.GetHostAddresses(new string('a', 256)));
            Assert.Throws<ArgumentException>(() => Dns.GetHostEntry("0.0.0.0"));
            Assert.Equal(new[] { IPAddress.Parse("192.0.2.1") }, Dns.GetHostAddresses("192.0.2.1"));
            Assert.Empty(Dns.GetHostAddresses("192.0.2.1", AddressFamily.InterNetworkV6));
            Assert.Equal("ns", Dns.GetHostEntry("10.0.0.53").HostName);
            Assert.Equal("client", Dns.GetHostName());
            Assert.Equal(new[] { IPAddress.Loopback, IPAddress.IPv6Loopback }, Dns.GetHostAddresses("localhost"));
            return Task.CompletedTask;
        });
    }

    [SimNetProperty(MaxTest = 20)]
    public Property Host_without_a_name_server_resolves_topology_names_and_SRV_is_HostNotFound()
    {
        return Prop.ForAll(Arb.From(Gen.Zip(Gen.Choose(1, int.MaxValue), Gen.Choose(1, 20))), x =>
        {
            var sim = new Simulation(x.Item1);
            Segment lan = sim.AddSegment("lan");
            var hosts = Enumerable.Range(0, x.Item2).Select(i =>
            {
                Host h = sim.AddHost($"h{i}");
                h.AddAdapter("eth0", lan, $"10.9.{i / 200}.{(i % 200) + 1}/16");
                return h;
            }).ToArray();
            Host me = hosts[0];
            foreach (Host h in hosts)
            {
                IPAddress[] got = Array.Empty<IPAddress>();
                me.Run(async () => got = await Dns.GetHostAddressesAsync(h.Name.ToUpperInvariant()));
                Assert.Equal(h.Adapters[0].Addresses.Select(a => a.Address), got);
            }

            Assert.Equal(SocketError.HostNotFound, Blocking(me, () => Dns.GetHostAddresses("nobody")));
            Assert.Equal(SocketError.HostNotFound, Blocking(me, () => Dns.GetServiceRecords("_x._udp.sim")));
        });
    }
}
