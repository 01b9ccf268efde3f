using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SimNet.Tracing;

/// <summary>The trace as structured <see cref="ILogger"/> events.</summary>
/// <remarks>
/// Each trace event becomes one log entry: the event id is the <see cref="TraceKind"/> (number and name), the message is
/// <see cref="TraceEvent.ToString"/>, and the state carries every field by name (<c>Time</c>, <c>Kind</c>, <c>PacketId</c>,
/// <c>ParentId</c>, <c>Reason</c>, <c>Protocol</c>, <c>Host</c>, <c>Adapter</c>, <c>Source</c>, <c>SourcePort</c>,
/// <c>Destination</c>, <c>DestinationPort</c>, <c>Length</c>, <c>Receivers</c>) for structured sinks. Drops and faults log at
/// <see cref="LogLevel.Debug"/>, everything else at <see cref="LogLevel.Trace"/>. Entries are written on the thread that
/// records the event, in trace order; logging never changes what the simulation does.
/// </remarks>
public static class TraceLogging
{
    /// <summary>The category SimNet uses when it creates its own logger: <c>SimNet.Trace</c>.</summary>
    public const string Category = "SimNet.Trace";

    /// <summary>Writes every event recorded from now on to <paramref name="logger"/>, until the returned handle is disposed.</summary>
    public static IDisposable WriteTo(this Trace trace, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(logger);
        return new Subscription(trace, logger);
    }

    /// <summary>Writes every event recorded from now on to a logger of <see cref="Category"/> from <paramref name="factory"/>.</summary>
    public static IDisposable WriteTo(this Trace trace, ILoggerFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return trace.WriteTo(factory.CreateLogger(Category));
    }

    /// <summary>The level an event of <paramref name="kind"/> logs at.</summary>
    public static LogLevel LevelOf(TraceKind kind) => kind is TraceKind.Drop or TraceKind.Fault ? LogLevel.Debug : LogLevel.Trace;

    private sealed class Subscription : IDisposable
    {
        private static readonly Func<State, Exception?, string> Format = (s, _) => s.Event.ToString();
        private readonly Trace trace;
        private readonly ILogger logger;
        private readonly Action<TraceEvent> handler;

        public Subscription(Trace trace, ILogger logger)
        {
            this.trace = trace;
            this.logger = logger;
            handler = Write;
            trace.Recorded += handler;
        }

        public void Dispose() => trace.Recorded -= handler;

        private void Write(TraceEvent e)
        {
            LogLevel level = LevelOf(e.Kind);
            if (logger.IsEnabled(level))
            {
                logger.Log(level, new EventId((int)e.Kind, e.Kind.ToString()), new State(e), null, Format);
            }
        }
    }

    /// <summary>The structured state of one entry: every field of the event by name, then the original format.</summary>
    private readonly struct State(TraceEvent e) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private static readonly string[] Names =
            ["Time", "Kind", "PacketId", "ParentId", "Reason", "Protocol", "Host", "Adapter", "Source", "SourcePort", "Destination", "DestinationPort", "Length", "Receivers", "{OriginalFormat}"];

        public TraceEvent Event { get; } = e;

        public int Count => Names.Length;

        public KeyValuePair<string, object?> this[int index] => new(Names[index], index switch
        {
            0 => Event.Time,
            1 => Event.Kind,
            2 => Event.PacketId,
            3 => Event.ParentId,
            4 => Event.Reason,
            5 => Event.Protocol,
            6 => Event.Host,
            7 => Event.Adapter,
            8 => Event.Source.ToString(),
            9 => Event.SourcePort,
            10 => Event.Destination.ToString(),
            11 => Event.DestinationPort,
            12 => Event.Length,
            13 => Event.Receivers,
            14 => "{Kind} packet {PacketId} at {Host}",
            _ => throw new ArgumentOutOfRangeException(nameof(index), index.ToString(CultureInfo.InvariantCulture)),
        });

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (int i = 0; i < Names.Length; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Event.ToString();
    }
}
