using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Transport.Tcp;
using Xunit;

namespace SimNet.Properties.Tcp;

public class StreamIntegrityProperties
{
    internal sealed record Case(long Seed, int[] Writes, int[] Reads, int LatencyMs, int JitterMs, double Loss, double Duplication, double Reorder = 0)
    {
        /// <summary>The link: latency, jitter and reordering (later packets overtake held ones), loss, duplication.</summary>
        public LinkConditions Conditions => new()
        {
            Latency = TimeSpan.FromMilliseconds(LatencyMs),
            Jitter = TimeSpan.FromMilliseconds(JitterMs),
            LossRate = Loss,
            DuplicationRate = Duplication,
            ReorderRate = Reorder,
            ReorderDelay = TimeSpan.FromMilliseconds(LatencyMs + 5),
        };

        public override string ToString() =>
            $"seed={Seed} writes=[{string.Join(',', Writes)}] reads=[{string.Join(',', Reads)}] latency={LatencyMs}ms jitter={JitterMs}ms loss={Loss:F2} dup={Duplication:F2} reorder={Reorder:F2}";
    }

    internal static readonly Gen<Case> Cases =
        from seed in Gen.Choose(0, int.MaxValue)
        from writes in Gen.ArrayOf(Gen.Choose(1, 6000)).Where(a => a.Length is > 0 and < 12)
        from reads in Gen.ArrayOf(Gen.Choose(1, 5000)).Where(a => a.Length is > 0 and < 6)
        from latency in Gen.Choose(0, 50)
        from jitter in Gen.Choose(0, 60)
        from loss in Gen.Elements(0.0, 0.0, 0.05, 0.2, 0.4, 0.7)
        from dup in Gen.Elements(0.0, 0.1, 0.3)
        from reorder in Gen.Elements(0.0, 0.1, 0.3)
        select new Case(seed, writes, reads, latency, jitter, loss, dup, reorder);

    [SimNetProperty]
    public Property Reader_gets_exactly_the_bytes_written_in_order_or_an_error_over_lossy_duplicating_reordering_links_and_every_segment_is_accounted_for()
    {
        return Prop.ForAll(Arb.From(Cases), c =>
        {
            var w = new TcpWorld(c.Seed, c.Conditions);
            TcpEndpoint listener = w.Listen();
            var client = new TcpEndpoint(w.A, System.Net.Sockets.AddressFamily.InterNetwork);
            client.Connect(TcpWorld.AddressB, 80);
            w.DriveUntil(() => client.ConnectFinished);
            if (client.State != TcpState.Established)
            {
                // The handshake itself may fail on a bad link, but only with an error the owner sees.
                return (client.ConnectError != System.Net.Sockets.SocketError.Success).Label($"no connection and no error: {c}");
            }

            // The server may not have its end yet (our last ACK lost): the first data completes its handshake.
            var pump = new StreamPump(w, client, null, listener, c.Writes, c.Reads, (int)c.Seed);
            bool settled = pump.Run();
            byte[] got = pump.Received;
            bool prefix = got.AsSpan().SequenceEqual(pump.Data.AsSpan(0, Math.Min(got.Length, pump.Data.Length))) && got.Length <= pump.Data.Length;
            bool complete = pump.EndOfStream ? got.Length == pump.Data.Length : pump.Failed;

            // Conservation: once the wire is quiet, every segment sent or copied was delivered or dropped with a reason.
            w.Sim.RunFor(TimeSpan.FromHours(1));
            Tracing.Trace t = w.Sim.Trace;
            long made = t.Count(Tracing.TraceKind.Send) + t.Count(Tracing.TraceKind.Copy);
            long ended = t.Count(Tracing.TraceKind.Deliver) + t.Count(Tracing.TraceKind.Drop);
            bool conserved = made == ended;
            return (settled && prefix && complete && conserved).Label($"settled={settled} prefix={prefix} complete={complete} conserved={made}/{ended} got={got.Length}/{pump.Data.Length} eos={pump.EndOfStream} werr={pump.WriterError} rerr={pump.ReaderError} {c}");
        });
    }
}
