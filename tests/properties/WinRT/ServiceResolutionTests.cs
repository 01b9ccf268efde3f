using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Names;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Sockets;
using Xunit;
using static SimNet.Properties.WinRT.WinRTWorld;
using HostName = SimNet.Windows.Networking.HostName;

namespace SimNet.Properties.WinRT;

/// <summary>
/// Seed: "The service name strings that are recognized by default are those service names listed in the
/// %windir%\System32\drivers\etc\services file on the local computer. Any other service name value results in a
/// name service query to domain name system (DNS) servers for DNS SRV records." Host names go through DNS too.
/// </summary>
public class ServiceResolutionTests
{
    /// <summary>A LAN with a name server ns (10.0.0.53), me (10.0.0.1) pointed at it, and peer (10.0.0.2); zone sim.</summary>
    private static (Simulation Sim, Host Me, Host Peer, DnsServer Server) World(long seed)
    {
        var sim = new Simulation(seed);
        Segment lan = sim.AddSegment("lan");
        lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(1) };
        Host ns = sim.AddHost("ns");
        ns.AddAdapter("eth0", lan, "10.0.0.53/24");
        Host me = sim.AddHost("me");
        me.AddAdapter("eth0", lan, "10.0.0.1/24");
        Host peer = sim.AddHost("peer");
        peer.AddAdapter("eth0", lan, "10.0.0.2/24");
        DnsServer server = DnsServer.Start(ns);
        me.Resolver.Settings.NameServers.Add(IPAddress.Parse("10.0.0.53"));
        me.Resolver.Settings.SearchDomains.Add("sim");
        return (sim, me, peer, server);
    }

    private static int DnsQueries(Simulation sim) =>
        sim.Trace.Events.Count(e => e.Kind == Tracing.TraceKind.Send && e.Host == "me" && e.DestinationPort == 53);

    private static readonly ServiceEntry[] UdpEntries = ServicesFile.Default.Entries.Where(e => e.Protocol == "udp").ToArray();

    [SimNetProperty(MaxTest = 30)]
    public Property A_service_name_listed_in_the_services_file_resolves_to_its_UDP_port_without_asking_DNS()
    {
        return Prop.ForAll(Arb.From(Seed), Arb.From(Gen.Elements(UdpEntries)), (seed, entry) =>
        {
            (Simulation sim, Host me, _, _) = World(seed);
            me.Run(async () =>
            {
                using var socket = Armed();
                await socket.ConnectAsync(new HostName("10.0.0.2"), entry.Name);
                Assert.Equal(P(entry.Port), socket.Information.RemotePort);
                using var bound = Armed();
                await bound.BindServiceNameAsync(entry.Name);
                Assert.Equal(P(entry.Port), bound.Information.LocalPort);
            });
            Assert.Equal(0, DnsQueries(sim));
        });
    }

    private static readonly Gen<string> UnlistedService =
        from n in Gen.Choose(3, 10)
        from cs in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz".ToCharArray()), n)
        let name = "x" + new string(cs)
        where !ServicesFile.Default.TryGetPort(name, System.Net.Sockets.ProtocolType.Udp, out _)
        select name;

    [SimNetProperty(MaxTest = 20)]
    public Property A_service_name_missing_from_the_services_file_resolves_through_DNS_SRV_and_the_host_name_through_DNS()
    {
        return Prop.ForAll(Arb.From(Seed), Arb.From(UnlistedService), Arb.From(Port), (seed, service, port) =>
        {
            (Simulation sim, Host me, Host peer, DnsServer server) = World(seed);
            server.Zone.Add(DnsRecord.Srv($"_{service}._udp.app.sim.", 0, 10, port, "peer.sim.", TimeSpan.FromMinutes(5)));
            server.Zone.Add(DnsRecord.A("app.sim.", IPAddress.Parse("10.0.0.2"), TimeSpan.FromMinutes(5)));
            var heard = new List<string>();
            peer.Run(async () => heard = (await ListenAsync(port)).Got);
            me.Run(async () =>
            {
                using var socket = Armed();
                await socket.ConnectAsync(new HostName("app.sim"), service);
                Assert.Equal("10.0.0.2", socket.Information.RemoteAddress!.CanonicalName);
                Assert.Equal(P(port), socket.Information.RemotePort);
                await SendAsync(socket.OutputStream, "found you");
                await Pause(sim);
            });
            Assert.Equal(new[] { "found you" }, heard);
            Assert.True(DnsQueries(sim) >= 2);
        });
    }

    [Fact]
    public void The_services_file_is_consulted_before_DNS_SRV()
    {
        (Simulation sim, Host me, _, DnsServer server) = World(5);
        server.Zone.Add(DnsRecord.Srv("_chat._udp.peer.sim.", 0, 10, 6001, "peer.sim.", TimeSpan.FromMinutes(5)));
        me.Run(async () =>
        {
            using var viaDns = Armed();
            await viaDns.ConnectAsync(new HostName("peer.sim"), "chat");
            Assert.Equal("6001", viaDns.Information.RemotePort);
        });
        me.Services = ServicesFile.Parse("chat 4242/udp\n");
        me.Run(async () =>
        {
            using var viaFile = Armed();
            await viaFile.ConnectAsync(new HostName("peer.sim"), "chat");
            Assert.Equal("4242", viaFile.Information.RemotePort);
        });
    }

    [Fact]
    public void A_service_name_in_neither_the_services_file_nor_DNS_fails_with_status_HostNotFound()
    {
        (Simulation sim, Host me, _, _) = World(5);
        me.Run(async () =>
        {
            using var socket = Armed();
            Exception e = await Failure.Of(() => socket.ConnectAsync(new HostName("peer.sim"), "nosuchservice"));
            Assert.Equal(SocketErrorStatus.HostNotFound, Failure.Status(e));
            Assert.Null(socket.Information.RemoteAddress);
        });
        Assert.True(DnsQueries(sim) >= 1);
    }

    [SimNetProperty(MaxTest = 10)]
    public Property A_silent_name_server_makes_ConnectAsync_fail_after_timeout_times_attempts_with_status_NonAuthoritativeHostNotFound()
    {
        return Prop.ForAll(Arb.From(Seed), Gen.Choose(1, 3).ToArbitrary(), (seed, attempts) =>
        {
            (Simulation sim, Host me, _, _) = World(seed);
            me.Resolver.Settings.NameServers.Clear();
            me.Resolver.Settings.NameServers.Add(IPAddress.Parse("10.0.0.99")); // nobody has this address
            me.Resolver.Settings.Attempts = attempts;
            me.Resolver.Settings.Timeout = TimeSpan.FromSeconds(2);
            TimeSpan took = TimeSpan.Zero;
            me.Run(async () =>
            {
                using var socket = Armed();
                TimeSpan start = sim.Clock.Elapsed;
                Exception e = await Failure.Of(() => socket.ConnectAsync(new HostName("peer.sim"), "9"));
                took = sim.Clock.Elapsed - start;
                Assert.Equal(SocketErrorStatus.NonAuthoritativeHostNotFound, Failure.Status(e));
                Assert.Equal(unchecked((int)0x80072AFA), e.HResult);
            });
            Assert.InRange(took, TimeSpan.FromSeconds(2 * attempts) - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(2 * attempts) + TimeSpan.FromMilliseconds(50));
        });
    }
}
