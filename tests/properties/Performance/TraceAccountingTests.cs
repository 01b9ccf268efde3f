using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.Performance;

/// <summary>With events off, the trace counts and hashes without building events: it must count and hash the same.</summary>
public class TraceAccountingTests
{
    private static (ulong Hash, long[] Counts) Run(long seed, IReadOnlyList<(int Size, bool OpenPort)> sends, bool keepEvents)
    {
        var sim = new Simulation(seed);
        sim.Trace.KeepEvents = keepEvents;
        var lan = sim.AddSegment("lan");
        var a = sim.AddHost("a");
        a.AddAdapter("eth0", lan, "10.0.0.1/24");
        var b = sim.AddHost("b");
        b.AddAdapter("eth0", lan, "10.0.0.2/24");
        using var rx = new SimNet.Sockets.Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rx.Bind(new IPEndPoint(IPAddress.Any, 5000));
        using var tx = new SimNet.Sockets.Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        tx.Connect(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
        using var other = new SimNet.Sockets.Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        foreach ((int size, bool open) in sends)
        {
            if (open)
            {
                tx.Send(new byte[size]);
            }
            else
            {
                other.SendTo(new byte[size], new IPEndPoint(IPAddress.Parse("10.0.0.2"), 6000)); // port unreachable: ICMP back, drops
            }

            sim.RunUntilIdle();
        }

        return (sim.Trace.Hash, Enum.GetValues<TraceKind>().Select(k => sim.Trace.Count(k)).ToArray());
    }

    [SimNetProperty(MaxTest = 30)]
    public Property Hash_and_counts_are_the_same_whether_events_are_kept_or_not()
    {
        Gen<(int, bool)> send = from size in Gen.Choose(0, 1400) from open in Gen.Elements(true, false) select (size, open);
        return Prop.ForAll(Arb.From(Gen.Zip(Gen.Choose(1, 1000), Gen.ListOf(send))), c =>
        {
            var kept = Run(c.Item1, c.Item2, keepEvents: true);
            var counted = Run(c.Item1, c.Item2, keepEvents: false);
            return kept.Hash == counted.Hash && kept.Counts.SequenceEqual(counted.Counts);
        });
    }
}
