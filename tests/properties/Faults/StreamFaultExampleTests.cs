using System.Net;
using System.Net.Sockets;
using SimNet.Faults;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Faults;

public class StreamFaultExampleTests
{
    /// <summary>The stream fault example of docs/faults.md: a sliced, stalled, then reset database connection, seen by its client.</summary>
    [Fact]
    public void The_docs_stream_fault_script_slices_stalls_and_resets_the_database_connection()
    {
        var sim = new Simulation(SeedReplay.Seed(11));
        Segment lan = sim.AddSegment("lan");
        lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(5) };
        Host db = sim.AddHost("db");
        db.AddAdapter("eth0", lan, "10.0.0.1/24");
        Host app = sim.AddHost("app");
        app.AddAdapter("eth0", lan, "10.0.0.2/24");

        // The server answers every 4-byte request with 1000 bytes.
        Task server = sim.Spawn(db, async () =>
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Any, 5432));
            listener.Listen(8);
            using Socket peer = await listener.AcceptAsync();
            var request = new byte[4];
            while (await peer.ReceiveAsync(request) > 0)
            {
                await peer.SendAsync(new byte[1000]);
            }
        });

        // The fault script: what db sends on port 5432 comes in 1 to 64 byte slices, 10 ms apart;
        // from 2 s to 5 s it stalls (connections stay up); at 8 s the connection is reset.
        sim.SliceStreams(db, app, 1, 64, TimeSpan.FromMilliseconds(10), port: 5432);
        StreamFault? stall = null;
        sim.At(TimeSpan.FromSeconds(2), s => stall = s.StallStreams(db, app, port: 5432));
        sim.At(TimeSpan.FromSeconds(5), _ => stall!.Lift());
        sim.At(TimeSpan.FromSeconds(8), s => s.ResetStreams(db, app, port: 5432));

        var reads = new List<(int Bytes, TimeSpan At)>[2];
        SocketError afterReset = SocketError.Success;
        app.Run(async () =>
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(IPAddress.Parse("10.0.0.1"), 5432);
            var buffer = new byte[4096];
            for (int i = 0; i < 2; i++)
            {
                await Task.Delay(TimeSpan.FromSeconds(i == 0 ? 0.1 : 2.5) - sim.Clock.Elapsed, sim.Clock);
                await client.SendAsync(new byte[4]);
                reads[i] = new();
                for (int got = 0; got < 1000;)
                {
                    int n = await client.ReceiveAsync(buffer);
                    reads[i].Add((n, sim.Clock.Elapsed));
                    got += n;
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(9) - sim.Clock.Elapsed, sim.Clock);
            try
            {
                await client.ReceiveAsync(buffer);
            }
            catch (SocketException e)
            {
                afterReset = e.SocketErrorCode;
            }
        });

        Assert.True(reads[0].Count >= 1000 / 64, $"{reads[0].Count} reads"); // partial reads: no read larger than a slice
        Assert.All(reads[0], r => Assert.InRange(r.Bytes, 1, 64));
        Assert.True(reads[1][0].At >= TimeSpan.FromSeconds(5), $"the reply came at {reads[1][0].At}, during the stall");
        Assert.Equal(SocketError.ConnectionReset, afterReset);
        sim.RunUntilIdle();
        var serverError = Assert.IsType<SocketException>(server.Exception?.InnerException);
        Assert.Equal(SocketError.ConnectionReset, serverError.SocketErrorCode); // the server's read was reset too
    }
}
