using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;
using static SimNet.Properties.Udp.UdpTestKit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Udp;

public class MulticastProperties
{
    private const int Port = 7000;
    private static readonly IPAddress Group = IPAddress.Parse("239.1.2.3");

    /// <summary>Hosts on two segments; the sender is host 0 on segment A; maybe a router joins A and B.</summary>
    private sealed record Case(bool[] JoinedOnA, bool[] JoinedOnB, bool Router, int Ttl, bool Loopback, long Seed);

    private static Gen<Case> Cases() =>
        from a in Gen.Choose(1, 4)
        from b in Gen.Choose(0, 3)
        from joinedA in Gen.ArrayOf(Gen.Elements(true, false), a)
        from joinedB in Gen.ArrayOf(Gen.Elements(true, false), b)
        from router in Gen.Elements(true, false)
        from ttl in Gen.Choose(0, 3)
        from loopback in Gen.Elements(true, false)
        from seed in Gen.Choose(0, 100000)
        select new Case(joinedA, joinedB, router, ttl, loopback, seed);

    [SimNetProperty]
    public Property Multicast_reaches_exactly_the_joined_hosts_honours_ttl_and_loopback_and_crosses_segments_only_through_a_router_with_ttl_above_1()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var sim = new Simulation(c.Seed);
            Segment segA = sim.AddSegment("A"), segB = sim.AddSegment("B");
            var onA = c.JoinedOnA.Select((_, i) => { var h = sim.AddHost($"a{i}"); h.AddAdapter("eth0", segA, $"10.1.0.{i + 1}/24"); return h; }).ToArray();
            var onB = c.JoinedOnB.Select((_, i) => { var h = sim.AddHost($"b{i}"); h.AddAdapter("eth0", segB, $"10.2.0.{i + 1}/24"); return h; }).ToArray();
            if (c.Router)
            {
                var r = sim.AddRouter("r");
                r.AddAdapter("eth0", segA, "10.1.0.254/24");
                r.AddAdapter("eth1", segB, "10.2.0.254/24");
            }

            var receivers = new List<(Socket Socket, bool Expected, string Name)>();
            for (int i = 0; i < onA.Length; i++)
            {
                var s = Bound(onA[i], Port);
                if (c.JoinedOnA[i])
                {
                    s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Group, onA[i].Adapters[0].Index));
                }

                bool expected = c.JoinedOnA[i] && (i == 0 ? c.Loopback : c.Ttl >= 1);
                receivers.Add((s, expected, onA[i].Name));
            }

            for (int i = 0; i < onB.Length; i++)
            {
                var s = Bound(onB[i], Port);
                if (c.JoinedOnB[i])
                {
                    s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Group, onB[i].Adapters[0].Index));
                }

                receivers.Add((s, c.JoinedOnB[i] && c.Router && c.Ttl > 1, onB[i].Name));
            }

            using var tx = new Socket(onA[0], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            tx.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.HostToNetworkOrder(onA[0].Adapters[0].Index));
            tx.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, c.Ttl);
            tx.MulticastLoopback = c.Loopback;
            tx.SendTo(new byte[] { 1, 2, 3 }, new IPEndPoint(Group, Port));
            sim.RunUntilIdle();

            foreach (var (socket, expected, name) in receivers)
            {
                var got = Drain(socket);
                Assert.True((expected ? 1 : 0) == got.Count, $"{name}: expected {(expected ? 1 : 0)} datagram(s), got {got.Count}");
                socket.Dispose();
            }
        });
    }

    [Fact]
    public void Once_a_host_joins_every_socket_bound_to_any_on_the_port_receives_but_one_bound_to_a_unicast_address_does_not()
    {
        var sim = new Simulation(1);
        var lan = sim.AddSegment("lan");
        var tx = sim.AddHost("tx"); tx.AddAdapter("eth0", lan, "10.0.0.1/24");
        var rx = sim.AddHost("rx"); rx.AddAdapter("eth0", lan, "10.0.0.2/24");
        Socket Reuse(IPAddress address)
        {
            var s = new Socket(rx, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            s.Bind(new IPEndPoint(address, Port));
            return s;
        }

        using Socket s1 = Reuse(IPAddress.Any), s2 = Reuse(IPAddress.Any), s3 = Reuse(IPAddress.Any), unicast = Reuse(IPAddress.Parse("10.0.0.2"));
        s1.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Group, rx.Adapters[0].Index));
        s2.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Group, IPAddress.Parse("10.0.0.2")));
        unicast.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Group, rx.Adapters[0].Index));
        using var sender = new Socket(tx, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.HostToNetworkOrder(tx.Adapters[0].Index));
        sender.SendTo(new byte[] { 9 }, new IPEndPoint(Group, Port));
        sim.RunUntilIdle();
        Assert.Single(Drain(s1));
        Assert.Single(Drain(s2));
        Assert.Single(Drain(s3));
        Assert.Empty(Drain(unicast));
    }

    [Fact]
    public void Membership_errors_match_linux_twice_is_AddressAlreadyInUse_a_unicast_group_InvalidArgument_and_leaving_unjoined_AddressNotAvailable()
    {
        var sim = new Simulation(1);
        var lan = sim.AddSegment("lan");
        var h = sim.AddHost("h"); h.AddAdapter("eth0", lan, "10.0.0.1/24");
        using var s = new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var option = new MulticastOption(Group, h.Adapters[0].Index);
        s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, option); // unbound is fine
        Assert.Equal(SocketError.AddressAlreadyInUse, ErrorOf(() => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, option)));
        Assert.Equal(SocketError.InvalidArgument, ErrorOf(() => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IPAddress.Parse("10.0.0.9"), h.Adapters[0].Index))));
        s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.DropMembership, option);
        Assert.Equal(SocketError.AddressNotAvailable, ErrorOf(() => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.DropMembership, option)));
        Assert.False(h.Adapters[0].IsMember(Group));
    }
}
