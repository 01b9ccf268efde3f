using System.Diagnostics.Metrics;

namespace SimNet.Tracing;

/// <summary>The trace as <see cref="System.Diagnostics.Metrics"/> instruments, for <c>dotnet-counters</c>, OpenTelemetry or a <c>MeterListener</c>.</summary>
/// <remarks>
/// <para>A meter named <see cref="MeterName"/> with two counters, each measurement tagged <c>kind</c> (the
/// <see cref="TraceKind"/>: Send, Copy, Forward, Deliver, Drop, Fault), <c>reason</c> (the <see cref="DropReason"/>, on
/// drops only), <c>protocol</c> (UDP, TCP, ICMP, ICMPv6) and <c>host</c>:</para>
/// <list type="bullet">
/// <item><c>simnet.packets</c> (unit <c>{packet}</c>): one per trace event;</item>
/// <item><c>simnet.packet.bytes</c> (unit <c>By</c>): the event's payload length.</item>
/// </list>
/// <para>Each simulation publishes on its own meter instance (no process-wide state), recorded on the thread that records
/// the trace event, in trace order; publishing never changes what the simulation does. There is no
/// <c>EventSource</c> (a process-wide singleton, which SimNet keeps out of its libraries) and no <c>ActivitySource</c>
/// (packets are events, not operations with a duration): route the trace to logs with
/// <see cref="TraceLogging.WriteTo(Trace, Microsoft.Extensions.Logging.ILogger)"/>.</para>
/// </remarks>
public static class TraceMetrics
{
    /// <summary>The meter's name: <c>SimNet</c>.</summary>
    public const string MeterName = "SimNet";

    /// <summary>Publishes every event recorded from now on as measurements on a new <see cref="Meter"/> named <see cref="MeterName"/>, until the returned handle is disposed (which disposes the meter).</summary>
    public static IDisposable PublishMetrics(this Trace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return new Publisher(trace, new Meter(MeterName, typeof(TraceMetrics).Assembly.GetName().Version?.ToString()));
    }

    /// <summary>Publishes on a meter from <paramref name="factory"/> (dependency injection's <c>IMeterFactory</c>); see <see cref="PublishMetrics(Trace)"/>.</summary>
    public static IDisposable PublishMetrics(this Trace trace, IMeterFactory factory)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(factory);
        return new Publisher(trace, factory.Create(new MeterOptions(MeterName)));
    }

    private sealed class Publisher : IDisposable
    {
        private readonly Trace trace;
        private readonly Meter meter;
        private readonly Counter<long> packets;
        private readonly Counter<long> bytes;
        private readonly Action<TraceEvent> handler;

        public Publisher(Trace trace, Meter meter)
        {
            this.trace = trace;
            this.meter = meter;
            packets = meter.CreateCounter<long>("simnet.packets", "{packet}", "Trace events: packets sent, copied, forwarded, delivered, dropped or changed by a fault.");
            bytes = meter.CreateCounter<long>("simnet.packet.bytes", "By", "Payload bytes of the packets in those trace events.");
            handler = Record;
            trace.Recorded += handler;
        }

        public void Dispose()
        {
            trace.Recorded -= handler;
            meter.Dispose();
        }

        private void Record(TraceEvent e)
        {
            if (!packets.Enabled && !bytes.Enabled)
            {
                return;
            }

            var tags = new System.Diagnostics.TagList
            {
                { "kind", e.Kind.ToString() },
                { "protocol", TraceEvent.ProtocolName(e.Protocol) },
                { "host", e.Host },
            };
            if (e.Kind == TraceKind.Drop)
            {
                tags.Add("reason", e.Reason.ToString());
            }

            packets.Add(1, tags);
            bytes.Add(e.Length, tags);
        }
    }
}
