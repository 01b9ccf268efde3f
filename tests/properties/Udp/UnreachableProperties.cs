using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;
using static SimNet.Properties.Udp.UdpTestKit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Udp;

public class UnreachableProperties
{
    private sealed record Case(int LatencyMs, bool NextIsReceive, bool Connected, long Seed);

    private static Gen<Case> Cases() =>
        from latency in Gen.Choose(0, 50)
        from next in Gen.Elements(true, false)
        from connected in Gen.Elements(true, false)
        from seed in Gen.Choose(0, 100000)
        select new Case(latency, next, connected, seed);

    [SimNetProperty]
    public Property A_datagram_to_a_closed_port_is_traced_port_unreachable_and_a_connected_sender_gets_ConnectionRefused_once_on_its_next_operation()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var sim = new Simulation(c.Seed);
            var lan = sim.AddSegment("lan");
            lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(c.LatencyMs) };
            var a = sim.AddHost("a"); a.AddAdapter("eth0", lan, "10.0.0.1/24");
            var b = sim.AddHost("b"); b.AddAdapter("eth0", lan, "10.0.0.2/24");
            var closed = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 4444);
            using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
            if (c.Connected)
            {
                tx.Connect(closed);
                tx.Send(new byte[] { 1 });
            }
            else
            {
                tx.SendTo(new byte[] { 1 }, closed);
            }

            Assert.Equal(SocketError.Success, ErrorOf(() => { })); // the send itself succeeded
            sim.RunUntilIdle();
            Assert.Equal(1, sim.Trace.Dropped(DropReason.PortUnreachable));
            Assert.Equal(c.Connected, tx.Poll(0, SelectMode.SelectError));

            Action next = c.NextIsReceive ? () => tx.Receive(new byte[8]) : () => tx.SendTo(new byte[] { 2 }, closed);
            Assert.Equal(c.Connected ? SocketError.ConnectionRefused : c.NextIsReceive ? SocketError.WouldBlock : SocketError.Success, ErrorOf(next));
            // Reported once: the operation after it behaves normally.
            Assert.Equal(SocketError.WouldBlock, ErrorOf(() => tx.Receive(new byte[8])));
        });
    }
}
