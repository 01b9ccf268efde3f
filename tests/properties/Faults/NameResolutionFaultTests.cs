using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Names;
using SimNet.Testing;
using Xunit;
using Dns = SimNet.Sockets.Dns;

namespace SimNet.Properties.Faults;

/// <summary>Faults reach name resolution too: DNS is datagrams on the simulated network.</summary>
public class NameResolutionFaultTests
{
    /// <summary>A name server (10.0.0.53, serving the topology's names for every host), web (10.0.0.80) and app (10.0.0.10) on one LAN.</summary>
    internal static (Simulation Sim, Topology.Host NameServer, Topology.Host App) NamedWorld(long seed)
    {
        var sim = new Simulation(seed);
        var lan = sim.AddSegment("lan");
        var ns = sim.AddHost("ns");
        ns.AddAdapter("eth0", lan, "10.0.0.53/24");
        sim.AddHost("web").AddAdapter("eth0", lan, "10.0.0.80/24");
        var app = sim.AddHost("app");
        app.AddAdapter("eth0", lan, "10.0.0.10/24");
        DnsServer.Start(ns).UseForAllHosts();
        return (sim, ns, app);
    }

    [SimNetProperty(MaxTest = 5)]
    public Property A_partition_from_the_name_server_makes_lookups_fail_with_try_again_and_healing_restores_them() =>
        Seeds.ForAll(seed =>
        {
            var (sim, ns, app) = NamedWorld(seed);
            app.Resolver.Settings.CacheEnabled = false;
            sim.Partition(app, ns);
            app.Run(async () =>
            {
                var e = await Assert.ThrowsAsync<SocketException>(() => Dns.GetHostAddressesAsync("web"));
                Assert.Equal(SocketError.TryAgain, e.SocketErrorCode);
                sim.Heal();
                Assert.Equal(IPAddress.Parse("10.0.0.80"), Assert.Single(await Dns.GetHostAddressesAsync("web")));
            });
            Assert.True(sim.Trace.Dropped(Tracing.DropReason.Partition) > 0);
        });
}
