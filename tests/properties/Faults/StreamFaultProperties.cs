using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Faults;
using SimNet.Properties.Tcp;
using SimNet.Testing;
using SimNet.Transport.Tcp;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Faults;

/// <summary>The Toxiproxy-style stream faults on TCP connections: slice, stall, close after N bytes, reset, slow close.</summary>
public class StreamFaultProperties
{
    [SimNetProperty(MaxTest = 40)]
    public Property Slice_gives_the_reader_exactly_the_bytes_written_in_order_over_many_partial_reads_shorter_than_a_write()
    {
        return Seeds.ForAll(seed =>
        {
            bool rough = (seed & 1) == 1; // half the worlds also jitter, lose and duplicate segments
            var w = new StreamFaultWorld(seed, rough);
            int min = w.Draw.Next(1, 200);
            int max = min + w.Draw.Next(0, 400);
            var delay = TimeSpan.FromMilliseconds(w.Draw.Next(0, 20));
            bool serverWrites = w.Draw.Chance(0.5);
            (TcpEndpoint writer, TcpEndpoint reader) = serverWrites ? (w.Server, w.Client) : (w.Client, w.Server);
            StreamFault slice = serverWrites ? w.Sim.SliceStreams(w.B, w.A, min, max, delay) : w.Sim.SliceStreams(w.A, w.B, min, max, delay);

            var writes = new List<byte[]> { w.Bytes(max + 1 + w.Draw.Next(0, 30000)) }; // the first write is longer than any slice
            for (int i = w.Draw.Next(0, 4); i > 0; i--)
            {
                writes.Add(w.Bytes(w.Draw.Next(1, 8000)));
            }

            byte[] all = writes.SelectMany(b => b).ToArray();
            var pump = new StreamFaultPump(w.Sim, writer, reader);
            foreach (byte[] b in writes)
            {
                pump.Write(b);
            }

            Assert.True(pump.RunUntil(() => pump.WriteDone), $"{slice}: the writer could not write everything");
            Assert.Equal(SocketError.Success, writer.Shutdown(send: true, receive: false));
            Assert.True(pump.RunToEnd(), $"{slice}: no end of stream");
            w.Sim.RunUntilIdle();

            Assert.Equal(SocketError.Success, pump.ReaderError);
            Assert.True(all.AsSpan().SequenceEqual(pump.Received), $"{slice} over {w.Conditions}: the reader got {pump.Received.Length} of {all.Length} bytes, or not in order");
            if (!rough)
            {
                // Over a rough link one read may take everything: when the first slice is lost, every later one
                // waits out of order behind the hole, and the retransmission releases them all at once (TCP's
                // in-order delivery; found by seed 1518219536074892917).
                Assert.True(pump.Reads.Count > 1, "one read took everything");

                // A clean link delivers slice by slice: each read is at most one slice, so shorter than the first write.
                // (Over a rough one a retransmission carries up to a full segment and a filled hole releases several.)
                Assert.All(pump.Reads, r => Assert.InRange(r, 1, max));
                Assert.True(pump.Reads[0] < writes[0].Length, "the first read returned a whole write");
                Assert.True(pump.Reads.Count >= (all.Length + max - 1) / max);
            }

            Assert.True(w.Conserved(), "a segment is unaccounted for in the trace");
        });
    }

    [SimNetProperty(MaxTest = 30)]
    public Property Stall_holds_data_with_the_connection_established_and_releases_everything_in_order_when_lifted()
    {
        return Seeds.ForAll(seed =>
        {
            var w = new StreamFaultWorld(seed);
            bool bothWays = w.Draw.Chance(0.5);
            var before = w.Bytes(w.Draw.Next(0, 5000));
            var during = w.Bytes(w.Draw.Next(1, 12000)); // fits the 16 KiB send buffer: the writer is never blocked
            var stallFor = TimeSpan.FromSeconds(w.Draw.Next(1, 3600)); // beyond the 15-retransmission budget too
            var pump = new StreamFaultPump(w.Sim, w.Client, w.Server);
            pump.Write(before);
            Assert.True(pump.RunUntil(() => pump.Received.Length == before.Length));

            StreamFault stall = w.Sim.StallStreams(w.A, w.B, bothWays);
            long liftAt = w.Now + stallFor.Ticks;
            w.Sim.At(TimeSpan.FromTicks(liftAt), _ => stall.Lift());
            pump.Write(during);
            var back = new StreamFaultPump(w.Sim, w.Server, w.Client);
            back.Write(w.Bytes(100));
            Assert.True(pump.RunUntil(() => pump.WriteDone) && back.RunUntil(() => back.WriteDone));
            w.Sim.RunFor(TimeSpan.FromTicks(liftAt - w.Now - 1));
            pump.RunUntil(() => true);
            back.RunUntil(() => true);

            // Still stalled: nothing new arrived, both ends established, no error, the data waits in the writer's buffer.
            Assert.Equal(before.Length, pump.Received.Length);
            Assert.Equal(TcpState.Established, w.Client.State);
            Assert.Equal(TcpState.Established, w.Server.State);
            Assert.Equal(SocketError.Success, w.Client.PendingError);
            Assert.Equal(SocketError.Success, w.Server.PendingError);
            Assert.Equal(during.Length, w.Client.Unacknowledged);
            Assert.Equal(bothWays ? 0 : 100, back.Received.Length); // one way: the other direction still flows

            Assert.True(pump.RunUntil(() => pump.Received.Length == before.Length + during.Length), $"{stall}: not released");
            Assert.True(w.Now >= liftAt, "data arrived before the stall was lifted");
            Assert.True(before.Concat(during).ToArray().AsSpan().SequenceEqual(pump.Received), "released out of order");
            w.Client.Close();
            Assert.True(pump.RunToEnd());
            w.Sim.RunUntilIdle();
            Assert.True(w.Conserved());
        });
    }

    [SimNetProperty(MaxTest = 40)]
    public Property Close_after_N_bytes_delivers_exactly_N_bytes_then_the_reader_reads_0_and_the_writer_gets_EPIPE()
    {
        return Seeds.ForAll(seed =>
        {
            var w = new StreamFaultWorld(seed);
            int limit = w.Draw.Next(0, 40000);
            byte[] data = w.Bytes(limit + w.Draw.Next(1, 20000));
            bool serverWrites = w.Draw.Chance(0.5);
            (TcpEndpoint writer, TcpEndpoint reader) = serverWrites ? (w.Server, w.Client) : (w.Client, w.Server);
            StreamFault fault = serverWrites ? w.Sim.CloseStreamsAfter(w.B, w.A, limit, port: TcpWorldPort) : w.Sim.CloseStreamsAfter(w.A, w.B, limit);
            var pump = new StreamFaultPump(w.Sim, writer, reader);
            pump.Write(data);
            Assert.True(pump.RunToEnd(), $"{fault}: no end of stream");

            Assert.True(data.AsSpan(0, limit).SequenceEqual(pump.Received), $"{fault}: got {pump.Received.Length} bytes, wanted the first {limit} of {data.Length}");
            Assert.Equal(SocketError.Success, reader.Receive(new byte[16], false, out int again));
            Assert.Equal(0, again);
            Assert.Equal(SocketError.Shutdown, writer.Send(new byte[1], out _));
            w.Sim.RunUntilIdle();
            Assert.True(w.Conserved());
        });
    }

    [SimNetProperty(MaxTest = 25)]
    public Property Reset_gives_both_peers_ConnectionReset_as_Linux_reports_it_then_0_and_EPIPE()
    {
        return Seeds.ForAll(seed =>
        {
            var w = new StreamFaultWorld(seed);
            var sim = w.Sim;
            using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Any, 8080));
            listener.Listen(1);
            using var client = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            client.Connect(new IPEndPoint(TcpWorld.AddressB, 8080));
            using Socket server = listener.Accept();
            byte[] hello = w.Bytes(w.Draw.Next(1, 3000));
            client.Send(hello);
            var got = new byte[hello.Length];
            int n = 0;
            while (n < got.Length)
            {
                n += server.Receive(got, n, got.Length - n, SocketFlags.None);
            }

            var after = TimeSpan.FromMilliseconds(w.Draw.Next(0, 5000));
            long start = w.Now;
            bool fromServerSide = w.Draw.Chance(0.5);
            sim.ResetStreams(fromServerSide ? w.B : w.A, fromServerSide ? w.A : w.B, after, port: 8080);
            w.World.Connect(w.World.Listen(81)); // another connection between the hosts, on another port: untouched

            var buffer = new byte[100];
            var clientReset = Assert.Throws<SocketException>(() => client.Receive(buffer));
            Assert.Equal(SocketError.ConnectionReset, clientReset.SocketErrorCode);
            Assert.True(w.Now >= start + after.Ticks, "reset before its time");
            var serverReset = Assert.Throws<SocketException>(() => server.Receive(buffer));
            Assert.Equal(SocketError.ConnectionReset, serverReset.SocketErrorCode);
            Assert.Equal(0, client.Receive(buffer));
            Assert.Equal(0, server.Receive(buffer));
            Assert.False(client.Connected);
            Assert.False(server.Connected);
            var pipe = Assert.Throws<SocketException>(() => client.Send(buffer));
            Assert.Equal(SocketError.Shutdown, pipe.SocketErrorCode);
            Assert.Equal(2, TcpStack.Of(w.A).ConnectionCount); // the first fixture connection and the one on port 81 live on
            sim.RunUntilIdle();
            Assert.True(w.Conserved());
        });
    }

    [SimNetProperty(MaxTest = 30)]
    public Property Slow_close_delays_the_readers_0_by_exactly_the_configured_virtual_time()
    {
        return Seeds.ForAll(seed =>
        {
            var delay = TimeSpan.FromMilliseconds(new SimNet.Kernel.SimRandom(unchecked((ulong)seed)).Next(1, 60_000));
            (long plain, byte[] plainBytes) = CloseAndTimeTheZero(seed, null);
            (long slow, byte[] slowBytes) = CloseAndTimeTheZero(seed, delay);
            Assert.Equal(delay.Ticks, slow - plain);
            Assert.Equal(plainBytes, slowBytes);
        });
    }

    /// <summary>Writes, waits until the reader has it all, closes the writer; returns how long after the close the reader read 0.</summary>
    private static (long Ticks, byte[] Received) CloseAndTimeTheZero(long seed, TimeSpan? slowClose)
    {
        var w = new StreamFaultWorld(seed);
        bool serverCloses = w.Draw.Chance(0.5);
        byte[] data = w.Bytes(w.Draw.Next(0, 20000));
        (TcpEndpoint writer, TcpEndpoint reader) = serverCloses ? (w.Server, w.Client) : (w.Client, w.Server);
        if (slowClose is { } d)
        {
            _ = serverCloses ? w.Sim.SlowCloseStreams(w.B, w.A, d) : w.Sim.SlowCloseStreams(w.A, w.B, d);
        }

        var pump = new StreamFaultPump(w.Sim, writer, reader);
        pump.Write(data);
        Assert.True(pump.RunUntil(() => pump.Received.Length == data.Length));
        long closedAt = w.Now;
        writer.Close();
        Assert.True(pump.RunToEnd());
        Assert.Equal(SocketError.Success, pump.ReaderError);
        w.Sim.RunUntilIdle();
        Assert.True(w.Conserved());
        return (pump.EndOfStreamTicks - closedAt, pump.Received);
    }

    [SimNetProperty(MaxTest = 10)]
    public Property The_same_seed_and_stream_fault_script_give_the_same_trace_hash()
    {
        return Seeds.ForAll(seed =>
        {
            (ulong hash, string dump) = Script(seed);
            (ulong again, string dumpAgain) = Script(seed);
            Assert.Equal(dump, dumpAgain);
            Assert.Equal(hash, again);
        });
    }

    [Fact]
    public void The_same_seed_and_stream_fault_script_give_the_same_trace_hash_examples()
    {

        Assert.NotEqual(Script(1).Hash, Script(2).Hash); // the slices are drawn from the seed
    }

    /// <summary>A stream fault script in virtual time: slices, a stall lifted later, a limit, a slow close and a reset.</summary>
    private static (ulong Hash, string Dump) Script(long seed)
    {
        var w = new StreamFaultWorld(seed);
        Simulation sim = w.Sim;
        sim.SliceStreams(w.A, w.B, 10, 300, TimeSpan.FromMilliseconds(3), bothWays: true);
        sim.At(TimeSpan.FromSeconds(1), s => s.StallStreams(w.B, w.A));
        sim.At(TimeSpan.FromSeconds(3), s => s.LiftStreamFaults(w.A, w.B));
        sim.At(TimeSpan.FromSeconds(3), s => s.SlowCloseStreams(w.A, w.B, TimeSpan.FromSeconds(2)));
        var up = new StreamFaultPump(sim, w.Client, w.Server);
        var down = new StreamFaultPump(sim, w.Server, w.Client);
        up.Write(w.Bytes(20000));
        down.Write(w.Bytes(20000));
        up.RunUntil(() => sim.Clock.Elapsed >= TimeSpan.FromSeconds(4) && up.WriteDone);
        w.Client.Close();
        up.RunToEnd();
        sim.CloseStreamsAfter(w.B, w.A, 1000);
        w.World.Connect(w.World.Listen(81));
        sim.ResetStreams(w.A, w.B, TimeSpan.FromSeconds(1), port: 81);
        sim.RunFor(TimeSpan.FromMinutes(3));
        return (sim.Trace.Hash, sim.Trace.Dump());
    }

    private const int TcpWorldPort = 80;
}
