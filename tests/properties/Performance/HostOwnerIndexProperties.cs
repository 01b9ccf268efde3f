using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;

namespace SimNet.Properties.Performance;

/// <summary>
/// A host with many adapters (a router) finds the adapter owning an address through an index; it must
/// answer exactly as asking each adapter in order does, after any sequence of adapters and addresses
/// added, with lookups interleaved (so a stale index would show).
/// </summary>
public class HostOwnerIndexProperties
{
    private static IPAddress Pooled(int i) => i % 3 == 2 ? IPAddress.Parse($"2001:db8::{(i % 50) + 1:x}") : IPAddress.Parse($"198.51.100.{(i % 50) + 1}");

    private static NetworkAdapter? Reference(Host host, IPAddress address)
    {
        foreach (NetworkAdapter adapter in host.Adapters)
        {
            if (adapter.Owns(address))
            {
                return adapter;
            }
        }

        return null;
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
