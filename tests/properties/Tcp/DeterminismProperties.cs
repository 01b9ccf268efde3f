using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Transport.Tcp;
using Xunit;

namespace SimNet.Properties.Tcp;

public class DeterminismProperties
{
    /// <summary>One whole run: handshake, a transfer over a lossy duplicating link, close; returns the trace hash and dump.</summary>
    private static (ulong Hash, string Dump, byte[] Received) RunOnce(StreamIntegrityProperties.Case c)
    {
        var w = new TcpWorld(c.Seed, c.Conditions);
        TcpEndpoint listener = w.Listen();
        var client = new TcpEndpoint(w.A, System.Net.Sockets.AddressFamily.InterNetwork);
        client.Connect(TcpWorld.AddressB, 80);
        var pump = new StreamPump(w, client, null, listener, c.Writes, c.Reads, (int)c.Seed);
        pump.Run();
        client.Close();
        w.Sim.RunFor(TimeSpan.FromMinutes(5));
        return (w.Sim.Trace.Hash, w.Sim.Trace.Dump(), pump.Received);
    }

    [SimNetProperty(MaxTest = 30)]
    public Property The_same_seed_gives_the_same_trace_hash_and_the_same_trace()
    {
        return Prop.ForAll(Arb.From(StreamIntegrityProperties.Cases), c =>
        {
            var first = RunOnce(c);
            var second = RunOnce(c);
            return (first.Hash == second.Hash && first.Dump == second.Dump && first.Received.AsSpan().SequenceEqual(second.Received)).Label(c.ToString());
        });
    }

    [Fact]
    public void A_different_seed_gives_a_different_trace_on_a_lossy_link()
    {
        var c = new StreamIntegrityProperties.Case(1, new[] { 20000 }, new[] { 3000 }, 5, 5, 0.2, 0.1, 0.1);
        Assert.NotEqual(RunOnce(c).Hash, RunOnce(c with { Seed = 2 }).Hash);
    }
}
