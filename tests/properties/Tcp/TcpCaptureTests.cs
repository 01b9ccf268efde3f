using System.Net;
using System.Net.Sockets;
using SimNet.Properties.Capture;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Tcp;

/// <summary>What SimNet's TCP puts on the wire, read back by the real tshark from a capture.</summary>
public class TcpCaptureTests
{
    [Fact]
    public void Tshark_sees_a_clean_handshake_transfer_and_close_with_no_analysis_errors()
    {
        var w = new TcpWorld(71, new LinkConditions { Latency = TimeSpan.FromMilliseconds(5) });
        string all = Path.Combine(Path.GetTempPath(), $"simnet-tcp-{Guid.NewGuid():N}.pcapng");
        string client = Path.ChangeExtension(all, ".client.pcapng");
        const int bytes = 50_000;
        try
        {
            using (w.Sim.Capture(all, SimNet.Capture.CapturePoints.EveryAdapter))
            {
                using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                listener.Bind(new IPEndPoint(IPAddress.Any, 80));
                listener.Listen(1);
                using var s = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                s.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
                using Socket server = listener.Accept();
                s.Send(new byte[bytes]);
                s.Shutdown(SocketShutdown.Send);
                var sink = new byte[8192];
                int total = 0, n;
                while ((n = server.Receive(sink)) > 0)
                {
                    total += n;
                }

                Assert.Equal(bytes, total);
                server.Shutdown(SocketShutdown.Send);
                Assert.Equal(0, s.Receive(sink));
                w.Sim.RunUntilIdle();
            }

            // Every adapter recorded, then one adapter's view kept (its sends and arrivals), as docs/faults.md shows.
            Tshark.Run(new[] { "-r", all, "-Y", "frame.interface_name == \"a/eth0\"", "-w", client });
            List<string[]> rows = Tshark.Fields(client, "tcp.flags", "tcp.len", "tcp.checksum.status", "tcp.analysis.flags");
            Assert.Equal("0x0002", rows[0][0]); // SYN
            Assert.Equal("0x0012", rows[1][0]); // SYN-ACK
            Assert.Equal("0x0010", rows[2][0]); // ACK
            Assert.Equal(bytes, rows.Sum(r => int.Parse(r[1])));
            Assert.Equal(2, rows.Count(r => (Convert.ToInt32(r[0], 16) & 0x01) != 0)); // a FIN each way
            Assert.All(rows, r => Assert.Equal("1", r[2])); // checksum status 1: good
            List<string[]> bad = Tshark.FieldsWhere(client,
                "tcp.analysis.retransmission or tcp.analysis.lost_segment or tcp.analysis.ack_lost_segment or tcp.analysis.out_of_order or tcp.analysis.duplicate_ack",
                "frame.number");
            Assert.Empty(bad);
        }
        finally
        {
            File.Delete(all);
            File.Delete(client);
        }
    }
}
