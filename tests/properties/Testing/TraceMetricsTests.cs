using System.Diagnostics.Metrics;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.Testing;

/// <summary>The trace as System.Diagnostics.Metrics counters (<see cref="TraceMetrics"/>).</summary>
public class TraceMetricsTests
{
    /// <summary>An IMeterFactory that remembers its meters, so a listener can pick this test's meter among any others.</summary>
    private sealed class Factory : IMeterFactory
    {
        public List<Meter> Created { get; } = new();

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options.Name, options.Version, options.Tags, this);
            Created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (Meter m in Created)
            {
                m.Dispose();
            }
        }
    }

    private sealed record Measurement(string Instrument, long Value, Dictionary<string, string?> Tags);

    private static MeterListener Listen(Func<Meter, bool> mine, List<Measurement> into)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (mine(instrument.Meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var t = new Dictionary<string, string?>();
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                t[tag.Key] = (string?)tag.Value;
            }

            into.Add(new Measurement(instrument.Name, value, t));
        });
        listener.Start();
        return listener;
    }

    [SimNetProperty(MaxTest = 20)]
    public Property The_packet_counters_add_up_to_the_traces_counts_by_kind_drop_reason_and_host_and_its_bytes() =>
        Prop.ForAll(Arb.From(Seeds.Any), Arb.From(Gen.Choose(3, 40)), (seed, datagrams) =>
        {
            using var factory = new Factory();
            var measured = new List<Measurement>();
            using MeterListener listener = Listen(m => factory.Created.Contains(m), measured);
            IDisposable? publishing = null;
            Simulation sim = LoggingTests.Traffic(seed, datagrams, s => publishing = s.Trace.PublishMetrics(factory));
            Meter meter = Assert.Single(factory.Created);
            Assert.Equal(TraceMetrics.MeterName, meter.Name);

            List<Measurement> packets = measured.Where(m => m.Instrument == "simnet.packets").ToList();
            List<Measurement> bytes = measured.Where(m => m.Instrument == "simnet.packet.bytes").ToList();
            IReadOnlyList<TraceEvent> events = sim.Trace.Events;
            Assert.Equal(events.Count, packets.Count);
            Assert.All(packets, m => Assert.Equal(1, m.Value));
            foreach (TraceKind kind in Enum.GetValues<TraceKind>())
            {
                Assert.Equal(sim.Trace.Count(kind), packets.Count(m => m.Tags["kind"] == kind.ToString()));
            }

            foreach (DropReason reason in Enum.GetValues<DropReason>().Where(r => r != DropReason.None))
            {
                Assert.Equal(sim.Trace.Dropped(reason), packets.Count(m => m.Tags.GetValueOrDefault("reason") == reason.ToString()));
            }

            Assert.Equal(events.Where(e => e.Kind == TraceKind.Drop).Count(), packets.Count(m => m.Tags.ContainsKey("reason")));
            for (int i = 0; i < events.Count; i++)
            {
                Assert.Equal(events[i].Host, packets[i].Tags["host"]); // in trace order
                Assert.Equal(events[i].Length, bytes[i].Value);
                Assert.Equal(events[i].Protocol == 17 ? "UDP" : events[i].Protocol == 1 ? "ICMP" : events[i].Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture), packets[i].Tags["protocol"]);
            }

            // Disposed: the meter is gone and nothing more is measured.
            publishing!.Dispose();
            int before = measured.Count;
            using var again = new SimNet.Sockets.Socket(sim.Hosts[0], System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
            again.SendTo(new byte[3], new System.Net.IPEndPoint(Network.Address(1, 0), 5000));
            sim.RunUntilIdle();
            Assert.Equal(before, measured.Count);
        });

    [Fact]
    public void Without_a_listener_publishing_measures_nothing_and_changes_nothing_in_the_run()
    {
        Simulation plain = LoggingTests.Traffic(17, 20, _ => { });
        IDisposable? publishing = null;
        Simulation published = LoggingTests.Traffic(17, 20, s => publishing = s.Trace.PublishMetrics());
        publishing!.Dispose();
        Assert.Equal(plain.Trace.Hash, published.Trace.Hash);
        Assert.Equal(plain.Trace.Dump(), published.Trace.Dump());
    }
}
