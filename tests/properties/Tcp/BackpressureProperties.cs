using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Transport.Tcp;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Tcp;

public class BackpressureProperties
{
    internal sealed record Case(long Seed, int SendBuffer, int ReceiveBuffer, int Multiple, int LatencyMs, double Loss)
    {
        public override string ToString() => $"seed={Seed} sndbuf={SendBuffer} rcvbuf={ReceiveBuffer} x{Multiple} latency={LatencyMs}ms loss={Loss:F2}";
    }

    private static readonly Gen<Case> Cases =
        from seed in Gen.Choose(0, int.MaxValue)
        from snd in Gen.Elements(2304, 4096, 16384, 65536)
        from rcv in Gen.Elements(2304, 8192, 32768, 131072)
        from multiple in Gen.Choose(2, 4)
        from latency in Gen.Choose(0, 40)
        from loss in Gen.Elements(0.0, 0.0, 0.1)
        select new Case(seed, snd, rcv, multiple, latency, loss);

    [SimNetProperty(MaxTest = 40)]
    public Property A_writer_whose_peer_does_not_read_is_held_once_the_windows_are_full_and_resumes_when_the_peer_reads()
    {
        return Prop.ForAll(Arb.From(Cases), c =>
        {
            var w = new TcpWorld(c.Seed, new LinkConditions { Latency = TimeSpan.FromMilliseconds(c.LatencyMs), LossRate = c.Loss });
            using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.ReceiveBufferSize = c.ReceiveBuffer / 2; // reads back doubled, as on Linux
            listener.Bind(new IPEndPoint(IPAddress.Any, 80));
            listener.Listen(1);
            using var writer = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            writer.SendBufferSize = c.SendBuffer / 2;
            writer.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
            using Socket reader = listener.Accept();

            int windows = writer.SendBufferSize + reader.ReceiveBufferSize;
            byte[] data = new byte[windows * c.Multiple];
            new Random((int)c.Seed).NextBytes(data);
            int sent = -1;
            w.Sim.Spawn(w.A, async () => sent = await writer.SendAsync(data, SocketFlags.None));
            w.Sim.RunFor(TimeSpan.FromMinutes(10));

            bool held = sent == -1;
            int buffered = reader.Available;
            bool bounded = buffered <= reader.ReceiveBufferSize;

            var got = new byte[data.Length];
            int total = 0;
            while (total < data.Length)
            {
                int n = reader.Receive(got.AsSpan(total, Math.Min(7000, data.Length - total)));
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            w.Sim.RunFor(TimeSpan.FromSeconds(1));
            bool resumed = sent == data.Length;
            bool intact = total == data.Length && got.AsSpan().SequenceEqual(data);
            return (held && bounded && resumed && intact).Label($"held={held} buffered={buffered}/{reader.ReceiveBufferSize} resumed={resumed} got={total}/{data.Length} {c}");
        });
    }

    [Fact]
    public void A_zero_window_is_probed_so_a_lost_window_update_does_not_stall_the_connection()
    {
        var w = new TcpWorld(21);
        TcpEndpoint listenerEndpoint = w.Listen();
        (TcpEndpoint client, TcpEndpoint server) = w.Connect(listenerEndpoint);
        byte[] data = new byte[server.ReceiveBufferSize + client.SendBufferSize];
        int sent = 0;
        for (int i = 0; i < 50; i++)
        {
            client.Send(data.AsSpan(sent), out int n);
            sent += n;
            w.Sim.RunFor(TimeSpan.FromSeconds(1));
        }

        Assert.True(server.ReceiveBufferSize == server.Available, $"{server.Available} of {server.ReceiveBufferSize}, sent {sent}, unacked {client.Unacknowledged}, {client.Describe()}");

        // Every window update the reader sends is lost: only the sender's persist probes can find the open window.
        w.Lan.Conditions = new LinkConditions { LossRate = 1 };
        var sink = new byte[server.ReceiveBufferSize];
        server.Receive(sink, false, out _);
        w.Lan.Conditions = LinkConditions.Perfect;
        w.Sim.RunFor(TimeSpan.FromMinutes(5));
        Assert.Equal(data.Length, sent);
        Assert.True(client.Unacknowledged < client.SendBufferSize, "the probe found the open window and data moved on");
        Assert.True(server.Available > 0);
    }
}
