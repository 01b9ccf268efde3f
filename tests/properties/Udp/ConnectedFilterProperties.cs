using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Tracing;
using Xunit;
using static SimNet.Properties.Udp.UdpTestKit;

namespace SimNet.Properties.Udp;

public class ConnectedFilterProperties
{
    private sealed record Case(TopologySpec Spec, int[] Senders, bool[] FromPeerPort, int NewPeer);

    private static Gen<Case> Cases() =>
        from spec in Topologies.OneLan(minHosts: 3)
        from count in Gen.Choose(1, 30)
        from senders in Gen.ArrayOf(Gen.Choose(1, spec.HostSegments.Length - 1), count)
        from fromPeerPort in Gen.ArrayOf(Gen.Elements(true, false), count)
        from newPeer in Gen.Choose(1, spec.HostSegments.Length - 1)
        select new Case(spec, senders, fromPeerPort, newPeer);

    [SimNetProperty]
    public Property A_connected_udp_socket_receives_only_from_its_peer_and_traces_the_rest_as_filtered_and_reconnecting_moves_the_filter()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var net = new Network(c.Spec);
            using var rx = Bound(net.Hosts[0], 5000);
            // Each sender host has a "peer port" socket and an "other port" socket.
            var peerPort = net.Hosts.Skip(1).Select(h => Bound(h, 6000)).ToArray();
            var otherPort = net.Hosts.Skip(1).Select(h => Bound(h, 6001)).ToArray();
            var target = new IPEndPoint(Network.Address(0, 0), 5000);

            foreach (int phase in new[] { 1, c.NewPeer })
            {
                var peer = new IPEndPoint(Network.Address(phase, 0), 6000);
                rx.Connect(peer);
                long filteredBefore = net.Sim.Trace.Dropped(DropReason.FilteredByConnect);
                var expected = new List<byte[]>();
                for (int i = 0; i < c.Senders.Length; i++)
                {
                    int h = c.Senders[i];
                    var from = c.FromPeerPort[i] ? peerPort[h - 1] : otherPort[h - 1];
                    byte[] payload = { (byte)phase, (byte)i, (byte)h };
                    from.SendTo(payload, target);
                    if (h == phase && c.FromPeerPort[i])
                    {
                        expected.Add(payload);
                    }
                }

                net.Sim.RunUntilIdle();
                var got = Drain(rx);
                Assert.All(got, g => Assert.Equal(peer, g.From));
                Assert.Equal(expected, got.Select(g => g.Payload));
                Assert.Equal(c.Senders.Length - expected.Count, net.Sim.Trace.Dropped(DropReason.FilteredByConnect) - filteredBefore);
            }

            foreach (var s in peerPort.Concat(otherPort))
            {
                s.Dispose();
            }
        });
    }

    [Fact]
    public void Available_counts_only_the_peers_datagrams_on_a_connected_socket()
    {
        var net = new Network(new TopologySpec(1, new[] { new[] { 0 }, new[] { 0 }, new[] { 0 } }, 3));
        using var rx = Bound(net.Hosts[0], 5000);
        using var peer = Bound(net.Hosts[1], 6000);
        using var stranger = Bound(net.Hosts[2], 6000);
        rx.Connect(new IPEndPoint(Network.Address(1, 0), 6000));
        stranger.SendTo(new byte[50], new IPEndPoint(Network.Address(0, 0), 5000));
        peer.SendTo(new byte[7], new IPEndPoint(Network.Address(0, 0), 5000));
        net.Sim.RunUntilIdle();
        Assert.Equal(7, rx.Available);
    }
}
