using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using Xunit;
using static SimNet.Properties.Udp.UdpTestKit;
using Socket = SimNet.Sockets.Socket;
using SocketAsyncEventArgs = SimNet.Sockets.SocketAsyncEventArgs;

namespace SimNet.Properties.Udp;

public class BroadcastProperties
{
    private const int Port = 9000;

    private sealed record Case(TopologySpec Spec, int Sender, int SegmentChoice, bool Bind, int DefaultRouteChoice);

    private static Gen<Case> Cases() =>
        from spec in Topologies.Any()
        from sender in Gen.Choose(0, spec.HostSegments.Length - 1)
        from segmentChoice in Gen.Choose(0, 2)
        from bind in Gen.Elements(true, false)
        from route in Gen.Choose(-1, 2)
        select new Case(spec, sender, segmentChoice, bind, route);

    [SimNetProperty]
    public Property Broadcast_without_the_Broadcast_option_fails_with_AccessDenied_for_SendTo_Connect_and_ConnectAsync()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var net = new Network(c.Spec);
            int[] mine = c.Spec.HostSegments[c.Sender];
            int segment = mine[c.SegmentChoice % mine.Length];
            net.Hosts[c.Sender].AddDefaultRoute(net.AdapterOn(c.Sender, segment));
            foreach (IPAddress target in new[] { IPAddress.Broadcast, Network.SubnetBroadcast(segment) })
            {
                using var s = new Socket(net.Hosts[c.Sender], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                Assert.Equal(SocketError.AccessDenied, ErrorOf(() => s.SendTo(new byte[1], new IPEndPoint(target, Port))));
                Assert.Equal(SocketError.AccessDenied, ErrorOf(() => s.Connect(new IPEndPoint(target, Port))));
                var e = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(target, Port) };
                Assert.False(s.ConnectAsync(e));
                Assert.Equal(SocketError.AccessDenied, e.SocketError);
                Assert.False(s.Connected);
            }

            Assert.Equal(0, net.Sim.Trace.Count(Tracing.TraceKind.Send));
        });
    }

    [SimNetProperty]
    public Property A_subnet_directed_broadcast_reaches_every_host_of_that_subnet_on_the_segment_and_no_other()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var net = new Network(c.Spec);
            int[] mine = c.Spec.HostSegments[c.Sender];
            int segment = mine[c.SegmentChoice % mine.Length];
            var receivers = net.Hosts.Select(h => Bound(h, Port)).ToArray();
            using var tx = new Socket(net.Hosts[c.Sender], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
            tx.SendTo(new byte[] { 42 }, new IPEndPoint(Network.SubnetBroadcast(segment), Port));
            net.Sim.RunUntilIdle();

            for (int h = 0; h < receivers.Length; h++)
            {
                var got = Drain(receivers[h]);
                // Linux loops every broadcast back to the sender's own sockets too.
                bool expected = net.IsOn(h, segment);
                Assert.Equal(expected ? 1 : 0, got.Count);
                if (expected)
                {
                    Assert.Equal(Network.Address(c.Sender, segment), got[0].From.Address);
                }
            }

            foreach (var r in receivers)
            {
                r.Dispose();
            }
        });
    }

    [SimNetProperty]
    public Property The_limited_broadcast_leaves_through_exactly_one_adapter_the_bound_address_else_the_default_route_else_fails()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var net = new Network(c.Spec);
            var sender = net.Hosts[c.Sender];
            int[] mine = c.Spec.HostSegments[c.Sender];
            int? routeSegment = c.DefaultRouteChoice < 0 ? null : mine[c.DefaultRouteChoice % mine.Length];
            if (routeSegment is int rs)
            {
                sender.AddDefaultRoute(net.AdapterOn(c.Sender, rs));
            }

            int boundSegment = mine[c.SegmentChoice % mine.Length];
            var receivers = net.Hosts.Select((h, i) => i == c.Sender ? null : Bound(h, Port)).ToArray();
            using var tx = new Socket(sender, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
            if (c.Bind)
            {
                tx.Bind(new IPEndPoint(Network.Address(c.Sender, boundSegment), 0));
            }

            int? expectedSegment = c.Bind ? boundSegment : routeSegment;
            SocketError error = ErrorOf(() => tx.SendTo(new byte[] { 7 }, new IPEndPoint(IPAddress.Broadcast, Port)));
            net.Sim.RunUntilIdle();
            if (expectedSegment is null)
            {
                Assert.Equal(SocketError.NetworkUnreachable, error);
                return;
            }

            Assert.Equal(SocketError.Success, error);
            for (int h = 0; h < receivers.Length; h++)
            {
                if (receivers[h] is not { } r)
                {
                    continue;
                }

                var got = Drain(r);
                bool expected = net.IsOn(h, expectedSegment.Value);
                Assert.Equal(expected ? 1 : 0, got.Count);
                if (expected)
                {
                    Assert.Equal(Network.Address(c.Sender, expectedSegment.Value), got[0].From.Address);
                }

                r.Dispose();
            }

            Assert.Equal(1, net.Sim.Trace.Count(Tracing.TraceKind.Send));
        });
    }

    [Fact]
    public void A_broadcast_reaches_a_receiver_bound_to_any_but_not_one_bound_to_a_unicast_address()
    {
        var net = new Network(new TopologySpec(1, new[] { new[] { 0 }, new[] { 0 } }, 5));
        using var any = new Socket(net.Hosts[1], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        any.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        any.Bind(new IPEndPoint(IPAddress.Any, Port));
        using var unicast = new Socket(net.Hosts[1], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        unicast.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        unicast.Bind(new IPEndPoint(Network.Address(1, 0), Port));
        using var tx = new Socket(net.Hosts[0], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
        tx.SendTo(new byte[1], new IPEndPoint(Network.SubnetBroadcast(0), Port));
        net.Sim.RunUntilIdle();
        Assert.Single(Drain(any));
        Assert.Empty(Drain(unicast));
    }
}
