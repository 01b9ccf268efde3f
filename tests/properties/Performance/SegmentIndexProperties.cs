using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.Performance;

/// <summary>
/// The segment's address → adapter index (one lookup per unicast hop instead of asking every adapter)
/// must pick exactly the adapter the plain rule picks: the first adapter in attach order, other than the
/// sender, that has the next-hop address; after any sequence of adapters attached and addresses added,
/// duplicates across hosts included.
/// </summary>
public class SegmentIndexProperties
{
    /// <summary>Steps: 0 a new host with an adapter (and maybe an address), 1 an address added to an existing adapter, 2 a second adapter on an existing host.</summary>
    private sealed record Case((int Kind, int A, int B)[] Steps);

    private static Gen<Case> Cases() =>
        from steps in Gen.ArrayOf(
            from kind in Gen.Frequency((3, Gen.Constant(0)), (3, Gen.Constant(1)), (1, Gen.Constant(2)))
            from a in Gen.Choose(0, 40)
            from b in Gen.Choose(0, 40)
            select (kind, a, b))
        select new Case(steps);

    /// <summary>A small pool, so hosts often share an address; IPv4 and IPv6.</summary>
    private static IPAddress Pooled(int i) => i % 3 == 2 ? IPAddress.Parse($"2001:db8::{(i % 7) + 1:x}") : IPAddress.Parse($"192.0.2.{(i % 7) + 1}");

    private static NetworkAdapter? Reference(Segment segment, IPAddress nextHop, NetworkAdapter from)
    {
        foreach (NetworkAdapter candidate in segment.Adapters)
        {
            if (candidate != from && candidate.Owns(nextHop))
            {
                return candidate;
            }
        }

        return null;
    }

    private static void Build(Simulation sim, Segment lan, Case c, Action afterEachStep)
    {
        int hosts = 0;
        foreach ((int kind, int a, int b) in c.Steps)
        {
            IPAddress address = Pooled(b);
            switch (kind)
            {
                case 1 when lan.Adapters.Count > 0:
                    NetworkAdapter target = lan.Adapters[a % lan.Adapters.Count];
                    if (target.Host.FindAdapterAssigned(address) is null)
                    {
                        target.AddAddress(address, address.AddressFamily == AddressFamily.InterNetwork ? 24 : 64);
                    }

                    break;
                case 2 when sim.Hosts.Count > 0:
                    Host existing = sim.Hosts[a % sim.Hosts.Count];
                    existing.AddAdapter($"eth{existing.Adapters.Count}", lan);
                    break;
                default:
                    Host h = sim.AddHost($"h{hosts++}");
                    NetworkAdapter adapter = h.AddAdapter("eth0", lan);
                    if (a % 2 == 0)
                    {
                        adapter.AddAddress(address, address.AddressFamily == AddressFamily.InterNetwork ? 24 : 64);
                    }

                    break;
            }

            afterEachStep();
        }
    }

    [SimNetProperty]
    public Property The_indexed_next_hop_is_the_first_other_adapter_in_attach_order_that_owns_the_address_after_any_changes()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var sim = new Simulation(1);
            Segment lan = sim.AddSegment("lan");
            Build(sim, lan, c, () =>
            {
                for (int i = 0; i < 14; i++)
                {
                    IPAddress nextHop = Pooled(i < 7 ? i * 3 : ((i - 7) * 3) + 2);
                    foreach (NetworkAdapter from in lan.Adapters)
                    {
                        NetworkAdapter? expected = Reference(lan, nextHop, from);
                        Assert.Same(expected, lan.FindNextHop(nextHop, from));
                        Assert.Same(expected, lan.ScanForNextHop(nextHop, from));
                    }
                }
            });
        });
    }

    [SimNetProperty]
    public Property A_unicast_reaches_the_host_the_plain_rule_names_or_is_dropped_as_unreachable_after_any_changes()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var sim = new Simulation(2);
            Segment lan = sim.AddSegment("lan");
            Build(sim, lan, c, () => { });
            Host sender = sim.AddHost("sender");
            NetworkAdapter eth = sender.AddAdapter("eth0", lan, "192.0.2.200/24", "2001:db8::200/64");
            for (int i = 0; i < 14; i++)
            {
                IPAddress destination = Pooled(i < 7 ? i * 3 : ((i - 7) * 3) + 2);
                NetworkAdapter? expected = Reference(lan, destination, eth);
                using var socket = new SimNet.Sockets.Socket(sender, destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                int before = sim.Trace.Events.Count;
                socket.SendTo(new byte[1], new IPEndPoint(destination, 9));
                sim.RunUntilIdle();
                TraceEvent[] after = sim.Trace.Events.Skip(before).ToArray();
                if (expected is null)
                {
                    Assert.Contains(after, e => e.Kind == TraceKind.Drop && e.Reason == DropReason.HostUnreachable);
                }
                else
                {
                    // The first event on another host is the packet arriving where the rule says.
                    TraceEvent arrival = after.First(e => e.Host != "sender");
                    Assert.Equal(expected.Host.Name, arrival.Host);
                }
            }
        });
    }

    /// <summary>An address drawn so that keys collide often: the same bits as IPv4 and IPv6, IPv6 with and without a scope id.</summary>
    private static Gen<IPAddress> MapKeys() =>
        from kind in Gen.Choose(0, 3)
        from n in Gen.Choose(0, 300)
        from scope in Gen.Choose(0, 7)
        select kind switch
        {
            0 => new IPAddress(new byte[] { 192, 0, 2, (byte)n }),
            1 => new IPAddress(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, (byte)n }), // the IPv4 bits as IPv6
            2 => new IPAddress(new byte[] { 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte)(n % 4) }, scope), // few bits, many scopes
            _ => IPAddress.Parse($"2001:db8::{n:x}"),
        };

    [SimNetProperty]
    public Property The_address_map_finds_what_a_dictionary_keyed_by_IPAddress_finds_after_any_sets_and_growth()
    {
        Gen<(bool Set, IPAddress Key, int Value)[]> ops = Gen.ArrayOf(
            from set in Gen.Frequency((2, Gen.Constant(true)), (1, Gen.Constant(false)))
            from key in MapKeys()
            from value in Gen.Choose(0, 1000)
            select (set, key, value));
        return Prop.ForAll(Arb.From(ops), steps =>
        {
            var map = new AddressMap<int>();
            var reference = new Dictionary<IPAddress, int>();
            foreach ((bool set, IPAddress key, int value) in steps)
            {
                // A fresh object with the same value: the map must compare values, never references.
                IPAddress copy = key.AddressFamily == AddressFamily.InterNetworkV6
                    ? new IPAddress(key.GetAddressBytes(), key.ScopeId)
                    : new IPAddress(key.GetAddressBytes());

                if (set)
                {
                    map.Set(key, value);
                    reference[key] = value;
                }

                Assert.Equal(reference.TryGetValue(copy, out int expected), map.TryGetValue(copy, out int found));
                Assert.Equal(expected, found);
                Assert.Equal(reference.Count, map.Count);
            }
        });
    }
}
