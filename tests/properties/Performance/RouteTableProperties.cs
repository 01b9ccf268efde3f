using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Ip;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;

namespace SimNet.Properties.Performance;

/// <summary>
/// The IPv4 route table (the host's own addresses, connected subnets and routes in one array, rebuilt when the
/// topology version moves) must decide exactly as the walk over adapters, addresses and routes it replaced:
/// the same longest-prefix match with the same ties, the same "is this my address", the same subnet broadcast,
/// after any sequence of adapters, addresses, routes and adapters going down or up.
/// </summary>
public class RouteTableProperties
{
    /// <summary>Steps: 0 adapter, 1 address, 2 route via a gateway, 3 on-link route, 4 toggle an adapter, 5 look up.</summary>
    private sealed record Case((int Kind, int A, int B, int C)[] Steps);

    private static Gen<Case> Cases() =>
        from steps in Gen.ArrayOf(
            from kind in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)), (1, Gen.Constant(4)), (4, Gen.Constant(5)))
            from a in Gen.Choose(0, 7)
            from b in Gen.Choose(0, 7)
            from c in Gen.Choose(0, 7)
            select (kind, a, b, c))
        select new Case(steps);

    private static readonly int[] Prefixes = [0, 8, 16, 24, 28, 30, 31, 32];

    /// <summary>Few values, so subnets nest, overlap and tie often: 10.a.b.c with a, b, c in 0..7 (and 0/255 at the ends).</summary>
    private static IPAddress Address(int a, int b, int c) => new(new byte[] { 10, (byte)a, (byte)b, (byte)(c == 7 ? 255 : c) });

    /// <summary>0.0.0.0/0, 10.0.0.0/8, 10.a.0.0/16 or 10.a.b.0/24.</summary>
    private static string RouteDestination(int a, int b) => (b % 4) switch
    {
        0 => "0.0.0.0/0",
        1 => "10.0.0.0/8",
        2 => $"10.{a}.0.0/16",
        _ => $"10.{a}.{b}.0/24",
    };

    [SimNetProperty]
    public Property The_IPv4_route_table_decides_as_the_walk_over_adapters_addresses_and_routes_after_any_changes()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var sim = new Simulation(3);
            Host host = sim.AddHost("h");
            var segments = new[] { sim.AddSegment("s0"), sim.AddSegment("s1") };
            host.AddAdapter("eth0", segments[0]);
            IpLayer ip = host.Ip;
            lock (sim.Gate)
            {
                foreach ((int kind, int a, int b, int x) in c.Steps)
                {
                    NetworkAdapter adapter = host.Adapters[a % host.Adapters.Count];
                    IPAddress address = Address(a, b, x);
                    switch (kind)
                    {
                        case 0 when host.Adapters.Count < 3:
                            host.AddAdapter($"eth{host.Adapters.Count}", segments[a % 2]);
                            break;
                        case 1 when host.FindAdapterAssigned(address) is null:
                            adapter.AddAddress(address, Prefixes[(a + b + x) % Prefixes.Length]);
                            break;
                        case 2:
                            // A route through a gateway on one of the adapter's subnets (AddRoute refuses any other).
                            if (adapter.Addresses.FirstOrDefault(s => s.Address.AddressFamily == AddressFamily.InterNetwork && s.PrefixLength is > 0 and < 31) is { } on)
                            {
                                byte[] g = on.Network.BaseAddress.GetAddressBytes();
                                g[3] |= 1; // the subnet's first host address
                                host.AddRoute(RouteDestination(a, b), new IPAddress(g).ToString());
                            }

                            break;
                        case 3:
                            host.AddRoute(RouteDestination(a, b), adapter);
                            break;
                        case 4:
                            adapter.IsUp = !adapter.IsUp;
                            break;
                        case 5:
                            Check(host, ip, address);
                            Check(host, ip, IPAddress.Parse("192.0.2.1"));
                            break;
                    }
                }

                // Every address and every subnet broadcast the host ended with, too.
                foreach (NetworkAdapter adapter in host.Adapters)
                {
                    foreach (AdapterAddress s in adapter.Addresses)
                    {
                        Check(host, ip, s.Address);
                        if (s.Broadcast is { } broadcast)
                        {
                            Check(host, ip, broadcast);
                        }
                    }
                }
            }
        });
    }

    private static void Check(Host host, IpLayer ip, IPAddress destination)
    {
        bool found = ip.TryLookup(destination, out NetworkAdapter adapter, out IPAddress? gateway, out AdapterAddress? subnet);
        bool walked = ip.TryLookupByWalk(destination, out NetworkAdapter walkAdapter, out IPAddress? walkGateway, out AdapterAddress? walkSubnet);
        Assert.Equal(walked, found);
        if (walked)
        {
            Assert.Same(walkAdapter, adapter);
            Assert.Same(walkGateway, gateway);
            Assert.Same(walkSubnet, subnet);
        }

        // The unicast decision against the rule spelled out with the walk (255.255.255.255, the broadcast of a /0
        // subnet, takes the limited broadcast's own path).
        if (destination.Equals(IPAddress.Broadcast))
        {
            return;
        }

        RouteDecision decision = ip.Route(destination, null, 0);
        if (host.FindAdapterOwning(destination) is not null)
        {
            Assert.True(decision.IsLocal);
            Assert.Same(host.Loopback, decision.Adapter);
            return;
        }

        if (!walked)
        {
            Assert.Equal(SocketError.NetworkUnreachable, decision.Error);
            return;
        }

        if (walkSubnet is null && decision.Error == SocketError.AddressNotAvailable)
        {
            return; // a route's adapter with no IPv4 address, and none up elsewhere: no source to send from
        }

        bool broadcast = walkGateway is null && walkSubnet?.Broadcast is { } b && b.Equals(destination);
        Assert.Same(walkAdapter, decision.Adapter);
        Assert.Equal(broadcast, decision.IsBroadcast);
        Assert.Equal(broadcast ? null : walkGateway ?? destination, decision.NextHop);
        if (walkSubnet is not null)
        {
            Assert.Same(walkSubnet.Address, decision.Source);
        }
    }
}
