using System.Net;
using System.Net.Sockets;
using SimNet.Names;
using Xunit;
using Dns = SimNet.Sockets.Dns;

namespace SimNet.Properties.Names;

/// <summary>The example of docs/names.md, kept compiling and true.</summary>
public class NamesExampleTests
{
    [Fact]
    public void A_host_resolves_a_name_and_a_service_through_the_simulated_DNS_server()
    {
        var sim = new Simulation(seed: 1);
        var lan = sim.AddSegment("lan");
        var ns = sim.AddHost("ns");
        ns.AddAdapter("eth0", lan, "10.0.0.53/24");
        var web = sim.AddHost("web");
        web.AddAdapter("eth0", lan, "10.0.0.80/24");
        var app = sim.AddHost("app");
        app.AddAdapter("eth0", lan, "10.0.0.10/24");

        DnsServer dns = DnsServer.Start(ns); // UDP 53; web.sim. and app.sim. come from the topology
        dns.Zone.Add(DnsRecord.Cname("www.sim.", "web.sim.", TimeSpan.FromMinutes(5)));
        dns.Zone.Add(DnsRecord.Srv("_game._udp.sim.", priority: 10, weight: 60, port: 7777, target: "web.sim.", TimeSpan.FromMinutes(5)));
        dns.UseForAllHosts(); // resolv.conf: nameserver 10.0.0.53, search sim.

        app.Run(async () =>
        {
            IPAddress[] www = await Dns.GetHostAddressesAsync("www");
            Assert.Equal(new[] { IPAddress.Parse("10.0.0.80") }, www);
            Assert.Equal("web.sim", (await Dns.GetHostEntryAsync("www")).HostName);

            int game = await app.Resolver.ResolveServiceAsync("game", ProtocolType.Udp, "sim");
            Assert.Equal(7777, game);
            int http = await app.Resolver.ResolveServiceAsync("http", ProtocolType.Tcp, "www");
            Assert.Equal(80, http);

            try
            {
                Dns.GetHostAddresses("nosuchhost");
                Assert.Fail("expected HostNotFound");
            }
            catch (SocketException e)
            {
                Assert.Equal(SocketError.HostNotFound, e.SocketErrorCode);
            }
        });
    }
}
