using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;

namespace SimNet.Properties.Performance;

/// <summary>
/// A host finds the adapter owning an address, and the route to one, through shortcuts: an index on a host
/// with many adapters (a router), and the host's one IPv4 address kept beside its hot fields on a host with
/// one. Each must answer exactly as the plain walk over adapters, addresses and routes in order does, after
/// any sequence of adapters, addresses, routes and up/down changes, with lookups interleaved (so a stale
/// shortcut would show). The references below read only the public topology, with IPAddress and IPNetwork
/// comparing, not the numbers the shortcuts keep.
/// </summary>
public class HostOwnerIndexProperties
{
    private static IPAddress Pooled(int i) => i % 3 == 2 ? IPAddress.Parse($"2001:db8::{(i % 50) + 1:x}") : IPAddress.Parse($"198.51.100.{(i % 50) + 1}");

    private static NetworkAdapter? Reference(Host host, IPAddress address)
    {
        foreach (NetworkAdapter adapter in host.Adapters)
        {
            foreach (AdapterAddress a in adapter.Addresses)
            {
                if (a.Address.Equals(address))
                {
                    return adapter;
                }
            }
        }

        return null;
    }

    /// <summary>Longest prefix over up adapters' subnets, then routes; ties to the connected subnet, then the earlier one.</summary>
    private static (NetworkAdapter? Adapter, IPAddress? Gateway, AdapterAddress? Connected) ReferenceRoute(Host host, IPAddress destination)
    {
        (NetworkAdapter? Adapter, IPAddress? Gateway, AdapterAddress? Connected) best = (null, null, null);
        int bestLength = -1;
        foreach (NetworkAdapter adapter in host.Adapters)
        {
            foreach (AdapterAddress a in adapter.Addresses)
            {
                if (adapter.IsUp && a.PrefixLength > bestLength && a.Network.BaseAddress.AddressFamily == destination.AddressFamily && a.Network.Contains(destination))
                {
                    bestLength = a.PrefixLength;
                    best = (adapter, null, a);
                }
            }
        }

        foreach (Route r in host.Routes)
        {
            if (r.Adapter.IsUp && r.Destination.PrefixLength > bestLength && r.Destination.BaseAddress.AddressFamily == destination.AddressFamily && r.Destination.Contains(destination))
            {
                bestLength = r.Destination.PrefixLength;
                best = (r.Adapter, r.Gateway, null);
            }
        }

        return best;
    }

    /// <summary>Addresses spread over a few nested IPv4 prefixes of 198.51.100.0/24 and 203.0.113.0/24, and some IPv6.</summary>
    private static IPAddress Target(int i) => (i % 4) switch
    {
        0 => IPAddress.Parse($"198.51.100.{i % 256}"),
        1 => IPAddress.Parse($"198.51.{100 + (i % 2)}.{(i * 37) % 256}"),
        2 => IPAddress.Parse($"203.0.113.{(i * 11) % 256}"),
        _ => IPAddress.Parse($"2001:db8::{(i % 40) + 1:x}"),
    };

    [SimNetProperty]
    public Property The_route_to_an_address_is_the_longest_prefix_of_an_up_subnet_or_route_whatever_the_addresses_and_routes()
    {
        // Steps: 0 add an adapter, 1 add an address with a prefix, 2 add a route, 3 toggle an adapter, 4-5 look up.
        Gen<(int Kind, int A, int B, int Length)[]> steps = Gen.ArrayOf(
            from kind in Gen.Frequency((1, Gen.Constant(0)), (2, Gen.Constant(1)), (1, Gen.Constant(2)), (1, Gen.Constant(3)), (4, Gen.Choose(4, 5)))
            from a in Gen.Choose(0, 30)
            from b in Gen.Choose(0, 400)
            from length in Gen.Choose(0, 32)
            select (kind, a, b, length));
        // Hosts start with up to 16 adapters, so both the walk and a router's subnet index (above 8 adapters) are met.
        return Prop.ForAll(Arb.From(Gen.Choose(0, 16)), Arb.From(steps), (initial, all) =>
        {
            var sim = new Simulation(seed: 1);
            Segment lan = sim.AddSegment("lan");
            Host host = sim.AddHost("h");
            for (int i = 0; i < initial; i++)
            {
                host.AddAdapter($"eth{i}", lan);
            }

            foreach ((int kind, int a, int b, int length) in all)
            {
                IPAddress address = Target(b);
                bool v4 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork;
                switch (kind)
                {
                    case 0:
                        host.AddAdapter($"eth{host.Adapters.Count}", lan);
                        break;
                    case 1 when host.Adapters.Count > 0:
                        if (host.FindAdapterAssigned(address) is null)
                        {
                            host.Adapters[a % host.Adapters.Count].AddAddress(address, v4 ? Math.Clamp(length, 8, 32) : 64 + length);
                        }

                        break;
                    case 2 when host.Adapters.Count > 0:
                        var network = new IPNetwork(Masked(address, v4 ? length : 32 + (length * 3)), v4 ? length : 32 + (length * 3));
                        host.AddRoute(network.ToString(), host.Adapters[a % host.Adapters.Count]);
                        break;
                    case 3 when host.Adapters.Count > 0:
                        NetworkAdapter toggled = host.Adapters[a % host.Adapters.Count];
                        toggled.IsUp = !toggled.IsUp;
                        break;
                    default:
                        Check(host, address);
                        break;
                }
            }

            for (int i = 0; i < 120; i++)
            {
                Check(host, Target(i));
            }

            return true;
        });

        static void Check(Host host, IPAddress destination)
        {
            (NetworkAdapter? adapter, IPAddress? gateway, AdapterAddress? connected) = ReferenceRoute(host, destination);
            bool found = host.Ip.TryLookup(destination, out NetworkAdapter got, out IPAddress? gotGateway, out AdapterAddress? gotConnected);
            Assert.Equal(adapter is not null, found);
            if (found)
            {
                Assert.Same(adapter, got);
                Assert.Equal(gateway, gotGateway);
                Assert.Same(connected, gotConnected);
            }

            Assert.Same(Reference(host, destination), host.FindAdapterOwning(destination));
        }
    }

    private static IPAddress Masked(IPAddress address, int length)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int i = 0; i < bytes.Length; i++)
        {
            int bits = Math.Clamp(length - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }

        return new IPAddress(bytes);
    }

    [SimNetProperty]
    public Property The_owner_of_an_address_is_the_first_adapter_that_has_it_whatever_the_adapter_count()
    {
        Gen<(int Kind, int A, int B)[]> steps = Gen.ArrayOf(
            from kind in Gen.Frequency((2, Gen.Constant(0)), (3, Gen.Constant(1)), (3, Gen.Constant(2)))
            from a in Gen.Choose(0, 60)
            from b in Gen.Choose(0, 200)
            select (kind, a, b));
        return Prop.ForAll(Arb.From(steps), all =>
        {
            var sim = new Simulation(seed: 1);
            Segment lan = sim.AddSegment("lan");
            Host router = sim.AddRouter("r");
            foreach ((int kind, int a, int b) in all)
            {
                IPAddress address = Pooled(b);
                switch (kind)
                {
                    case 0:
                        router.AddAdapter($"eth{router.Adapters.Count}", lan);
                        break;
                    case 1 when router.Adapters.Count > 0:
                        if (router.FindAdapterAssigned(address) is null)
                        {
                            router.Adapters[a % router.Adapters.Count].AddAddress(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 24 : 64);
                        }

                        break;
                    default:
                        Assert.Same(Reference(router, address), router.FindAdapterOwning(address));
                        break;
                }
            }

            for (int i = 0; i < 200; i++)
            {
                Assert.Same(Reference(router, Pooled(i)), router.FindAdapterOwning(Pooled(i)));
            }

            return true;
        });
    }
}
