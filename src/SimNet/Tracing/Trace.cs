using System.Net;
using System.Net.Sockets;

namespace SimNet.Tracing;

/// <summary>
/// The record of everything that happened to every packet, with a hash that is the same for the
/// same seed and code in any process.
/// </summary>
/// <remarks>
/// The hash takes one step per event over the event's numeric fields (<see cref="TraceHash"/>; never
/// string or object hash codes, which change per process), so it is the same in every process and stays
/// the same when <see cref="KeepEvents"/> is off for speed.
/// </remarks>
public sealed class Trace
{
    private readonly List<TraceEvent> events = new();
    private readonly long[] kindCounts = new long[Enum.GetValues<TraceKind>().Length + 1];
    private readonly long[] dropCounts = new long[Enum.GetValues<DropReason>().Length];
    private TraceHash hash = new(TraceHash.Empty);

    internal Trace()
    {
    }

    /// <summary>Whether events are kept in <see cref="Events"/> (on by default). Counts and the hash are kept either way.</summary>
    public bool KeepEvents { get; set; } = true;

    /// <summary>The events kept so far, in order.</summary>
    public IReadOnlyList<TraceEvent> Events => events;

    /// <summary>The stable hash of every event recorded so far.</summary>
    public ulong Hash => hash.Value;

    /// <summary>Raised for every event as it is recorded, on the simulation's thread.</summary>
    public event Action<TraceEvent>? Recorded;

    /// <summary>How many events of <paramref name="kind"/> were recorded.</summary>
    public long Count(TraceKind kind) => kindCounts[(int)kind];

    /// <summary>How many packets were dropped for <paramref name="reason"/>.</summary>
    public long Dropped(DropReason reason) => dropCounts[(int)reason];

    /// <summary>Every kept event, one per line, in the stable rendering of <see cref="TraceEvent.ToString"/>.</summary>
    public string Dump() => string.Join('\n', events);

    /// <summary>
    /// How many times code of the simulation started running on a thread other than the driving one
    /// (a <c>Task.Run</c>, a library's hop to the thread pool). Zero means every continuation ran on the
    /// driving thread in SimNet's order, so the run replays exactly; more means the run was held
    /// correct (no time passed while that code ran) but concurrent pieces of it may interleave
    /// differently from run to run. Not part of <see cref="Hash"/>.
    /// </summary>
    public long ThreadPoolDepartures => OffThreadDepartures?.Invoke() ?? 0;

    internal Func<long>? OffThreadDepartures { get; set; }

    /// <summary>
    /// With <see cref="Simulation.OrderedThreadPool"/> on: pieces of the simulation's code that ran on a pool
    /// thread outside the order (an item no pool thread took within two seconds, as a task a waiter ran inline;
    /// an item still queued when nobody drove; a continuation queued by a thread the runtime's events did not
    /// show as the simulation's, or a continuation run inline after an item's own end). Zero means every
    /// thread-pool item ran alone and in queue order, so the run replays exactly; more means some pieces may
    /// interleave differently from run to run (a conservative count: most such runs still replay).
    /// </summary>
    public long ThreadPoolItemsUnordered => OffThreadUnordered?.Invoke() ?? 0;

    internal Func<long>? OffThreadUnordered { get; set; }

    /// <summary>Whether thread-pool work items ran one at a time in queue order (<see cref="Simulation.OrderedThreadPool"/>).</summary>
    internal Func<bool>? OffThreadOrdered { get; set; }

    /// <summary>One paragraph: the event counts by kind, the drops by reason, the hash, and whether code left the driving thread.</summary>
    public string Summary()
    {
        var parts = new List<string>();
        foreach (TraceKind kind in Enum.GetValues<TraceKind>())
        {
            parts.Add($"{kind} {Count(kind)}");
        }

        var drops = new List<string>();
        foreach (DropReason reason in Enum.GetValues<DropReason>())
        {
            if (reason != DropReason.None && Dropped(reason) > 0)
            {
                drops.Add($"{reason} {Dropped(reason)}");
            }
        }

        long departures = ThreadPoolDepartures;
        return string.Join(", ", parts)
            + (drops.Count > 0 ? "; drops: " + string.Join(", ", drops) : string.Empty)
            + $"; hash {Hash:x16}; "
            + (departures == 0
                ? "every continuation ran on the driving thread (deterministic)"
                : OffThreadOrdered?.Invoke() == true && ThreadPoolItemsUnordered == 0
                    ? $"{departures} continuation(s) ran on other threads, one at a time in queue order (deterministic)"
                    : $"{departures} continuation(s) ran on other threads (time was held for them, but their order among themselves is not guaranteed)");
    }

    /// <summary>Whether anyone needs the <see cref="TraceEvent"/> itself: it is kept, or someone listens.</summary>
    internal bool NeedsEvents => KeepEvents || Recorded is not null;

    internal void Record(in TraceEvent e, int hostIndex)
    {
        Account(e.Kind, e.Reason, e.Time.Ticks, e.PacketId, e.ParentId, e.Protocol, hostIndex, e.Source, e.SourcePort, e.Destination, e.DestinationPort, e.Length, e.Receivers);
        if (KeepEvents)
        {
            events.Add(e);
        }

        Recorded?.Invoke(e);
    }

    /// <summary>Counts an event and mixes it into the hash without building a <see cref="TraceEvent"/> (when <see cref="NeedsEvents"/> is false).</summary>
    internal void Account(TraceKind kind, DropReason reason, long timeTicks, long packetId, long parentId, int protocol, int hostIndex, IPAddress source, int sourcePort, IPAddress destination, int destinationPort, int length, int receivers)
    {
        kindCounts[(int)kind]++;
        if (kind == TraceKind.Drop)
        {
            dropCounts[(int)reason]++;
        }

        hash.Add((ulong)timeTicks, (ulong)kind, (ulong)packetId, (ulong)parentId, (ulong)reason, (ulong)protocol, (ulong)hostIndex, source, (ulong)sourcePort, destination, (ulong)destinationPort, (ulong)length, (ulong)receivers);
    }
}
