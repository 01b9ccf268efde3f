using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using SimNet.Testing;
using SimNet.Tracing;
using Xunit;
using Xunit.Abstractions;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Testing;

/// <summary>The trace as ILogger events and as xunit test output.</summary>
public class LoggingTests
{
    private sealed class Lines : ITestOutputHelper
    {
        public List<string> Written { get; } = new();

        public void WriteLine(string message) => Written.Add(message);

        public void WriteLine(string format, params object[] args) => Written.Add(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
    }

    internal static Simulation Traffic(long seed, int datagrams, Action<Simulation> attach)
    {
        var spec = new TopologySpec(1, [[0], [0], [0]], seed);
        var net = new Network(spec);
        attach(net.Sim);
        net.Sim.SetLink(net.Segments[0], new SimNet.Topology.LinkConditions { LossRate = 0.3, DuplicationRate = 0.2 });
        using var a = new Socket(net.Hosts[0], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(net.Hosts[1], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        b.Bind(new IPEndPoint(IPAddress.Any, 5000));
        for (int i = 0; i < datagrams; i++)
        {
            a.SendTo(new byte[i], new IPEndPoint(Network.Address(i % 3 == 2 ? 2 : 1, 0), 5000)); // to h2: port unreachable
        }

        net.Sim.RunUntilIdle();
        return net.Sim;
    }

    [SimNetProperty(MaxTest = 30)]
    public Property Every_trace_event_is_one_structured_log_entry_in_trace_order_with_its_kind_as_event_id() =>
        Prop.ForAll(Arb.From(Seeds.Any), Arb.From(Gen.Choose(3, 40)), (seed, datagrams) =>
        {
            var collector = new FakeLogCollector();
            using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));
            IDisposable? subscription = null;
            Simulation sim = Traffic(seed, datagrams, s => subscription = s.Trace.WriteTo(factory));
            subscription!.Dispose();
            IReadOnlyList<FakeLogRecord> records = collector.GetSnapshot();
            Assert.Equal(sim.Trace.Events.Count, records.Count);
            for (int i = 0; i < records.Count; i++)
            {
                TraceEvent e = sim.Trace.Events[i];
                FakeLogRecord r = records[i];
                Assert.Equal(TraceLogging.Category, r.Category);
                Assert.Equal((int)e.Kind, r.Id.Id);
                Assert.Equal(e.Kind.ToString(), r.Id.Name);
                Assert.Equal(TraceLogging.LevelOf(e.Kind), r.Level);
                Assert.Equal(e.ToString(), r.Message);
                Assert.Equal(e.PacketId.ToString(System.Globalization.CultureInfo.InvariantCulture), r.GetStructuredStateValue("PacketId"));
                Assert.Equal(e.Host, r.GetStructuredStateValue("Host"));
                Assert.Equal(e.Reason.ToString(), r.GetStructuredStateValue("Reason"));
            }

            Assert.Contains(records, r => r.Level == LogLevel.Debug); // a port-unreachable drop at least
        });

    [Fact]
    public void One_line_routes_the_trace_into_xunit_output_and_disposing_it_stops()
    {
        var output = new Lines();
        IDisposable? subscription = null;
        Simulation sim = Traffic(7, 10, s => subscription = s.WriteTraceTo(output));
        Assert.Equal(sim.Trace.Events.Select(e => e.ToString()), output.Written);
        subscription!.Dispose();
        int before = output.Written.Count;
        sim.Clock.Advance(TimeSpan.FromSeconds(1));
        new Socket(sim.FindHost("h0")!, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp).SendTo(new byte[1], new IPEndPoint(Network.Address(1, 0), 5000));
        sim.RunUntilIdle();
        Assert.True(sim.Trace.Events.Count > before);
        Assert.Equal(before, output.Written.Count);
    }
}
