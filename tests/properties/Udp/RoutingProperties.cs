using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Udp;

public class RoutingProperties
{
    /// <summary>A chain: client — r1 — r2 — ... — rN — server, each link its own /24.</summary>
    private static (Simulation Sim, Host Client, Host Server) Chain(int routers, long seed)
    {
        var sim = new Simulation(seed);
        var links = Enumerable.Range(0, routers + 1).Select(i => sim.AddSegment($"link{i}")).ToArray();
        var client = sim.AddHost("client");
        client.AddAdapter("eth0", links[0], "10.0.0.2/24");
        client.AddDefaultRoute("10.0.0.1");
        for (int r = 0; r < routers; r++)
        {
            var router = sim.AddRouter($"r{r + 1}");
            router.AddAdapter("west", links[r], $"10.0.{r}.1/24");
            router.AddAdapter("east", links[r + 1], $"10.0.{r + 1}.254/24");
            if (r + 1 < routers)
            {
                router.AddDefaultRoute($"10.0.{r + 1}.1");
            }

            for (int back = 0; back < r; back++)
            {
                router.AddRoute($"10.0.{back}.0/24", $"10.0.{r}.254");
            }
        }

        var server = sim.AddHost("server");
        server.AddAdapter("eth0", links[routers], $"10.0.{routers}.2/24");
        server.AddDefaultRoute($"10.0.{routers}.254");
        return (sim, client, server);
    }

    [SimNetProperty]
    public Property Routers_forward_hop_by_hop_decrementing_ttl_and_drop_with_TtlExpired_when_it_runs_out()
    {
        return Prop.ForAll(Arb.From(from routers in Gen.Choose(1, 5)
            from ttl in Gen.Choose(1, 7)
            from seed in Gen.Choose(0, 10000)
            select (routers, ttl, seed)), c =>
            {
                var (sim, client, server) = Chain(c.routers, c.seed);
                using var rx = new Socket(server, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                rx.Bind(new IPEndPoint(IPAddress.Any, 7000));
                using var tx = new Socket(client, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Ttl = (short)c.ttl };
                tx.SendTo(new byte[] { 1 }, new IPEndPoint(IPAddress.Parse($"10.0.{c.routers}.2"), 7000));
                sim.RunUntilIdle();
                bool arrives = c.ttl > c.routers;
                Assert.Equal(arrives ? 1 : 0, UdpTestKit.Drain(rx).Count);
                Assert.Equal(Math.Min(c.routers, c.ttl - 1), sim.Trace.Count(TraceKind.Forward));
                Assert.Equal(arrives ? 0 : 1, sim.Trace.Dropped(DropReason.TtlExpired));
            });
    }

    [SimNetProperty]
    public Property The_longest_matching_prefix_wins_over_shorter_routes_and_the_default_route()
    {
        return Prop.ForAll(Arb.From(from specificFirst in Gen.Elements(true, false)
            from hostOctet in Gen.Choose(2, 254) // .1 is a router's own address: delivered there, not forwarded
            select (specificFirst, hostOctet)), c =>
            {
                var sim = new Simulation(c.hostOctet);
                var near = sim.AddSegment("near");
                var wide = sim.AddSegment("wide");
                var narrow = sim.AddSegment("narrow");
                var client = sim.AddHost("client");
                client.AddAdapter("eth0", near, "192.168.0.2/24");
                var viaWide = sim.AddRouter("via-wide");
                viaWide.AddAdapter("a", near, "192.168.0.10/24");
                viaWide.AddAdapter("b", wide, "10.0.0.1/8");
                var viaNarrow = sim.AddRouter("via-narrow");
                viaNarrow.AddAdapter("a", near, "192.168.0.20/24");
                viaNarrow.AddAdapter("b", narrow, "10.9.9.1/24");
                client.AddDefaultRoute("192.168.0.10");
                if (c.specificFirst)
                {
                    client.AddRoute("10.9.9.0/24", "192.168.0.20");
                    client.AddRoute("10.0.0.0/8", "192.168.0.10");
                }
                else
                {
                    client.AddRoute("10.0.0.0/8", "192.168.0.10");
                    client.AddRoute("10.9.9.0/24", "192.168.0.20");
                }

                using var tx = new Socket(client, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                tx.SendTo(new byte[1], new IPEndPoint(IPAddress.Parse($"10.9.9.{c.hostOctet}"), 9));
                tx.SendTo(new byte[1], new IPEndPoint(IPAddress.Parse($"10.1.2.{c.hostOctet}"), 9));
                sim.RunUntilIdle();
                var forwards = sim.Trace.Events.Where(e => e.Kind == TraceKind.Forward).ToList();
                Assert.Contains(forwards, e => e.Host == "via-narrow" && e.Destination.ToString().StartsWith("10.9.9.", StringComparison.Ordinal));
                Assert.Contains(forwards, e => e.Host == "via-wide" && e.Destination.ToString().StartsWith("10.1.2.", StringComparison.Ordinal));
                Assert.DoesNotContain(forwards, e => e.Host == "via-wide" && e.Destination.ToString().StartsWith("10.9.9.", StringComparison.Ordinal));
            });
    }
}
