using System.Net;
using System.Net.Sockets;

namespace SimNet.Tracing;

/// <summary>
/// The record of everything that happened to every packet, with a hash that is the same for the
/// same seed and code in any process.
/// </summary>
/// <remarks>
/// The hash is FNV-1a over the numeric fields of each event (never over string hash codes, which
/// change per process), so it stays stable even when <see cref="KeepEvents"/> is off for speed.
/// </remarks>
public sealed class Trace
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private readonly List<TraceEvent> events = new();
    private readonly long[] kindCounts = new long[Enum.GetValues<TraceKind>().Length + 1];
    private readonly long[] dropCounts = new long[Enum.GetValues<DropReason>().Length];
    private ulong hash = FnvOffset;

    internal Trace()
    {
    }

    /// <summary>Whether events are kept in <see cref="Events"/> (on by default). Counts and the hash are kept either way.</summary>
    public bool KeepEvents { get; set; } = true;

    /// <summary>The events kept so far, in order.</summary>
    public IReadOnlyList<TraceEvent> Events => events;

    /// <summary>The stable hash of every event recorded so far.</summary>
    public ulong Hash => hash;

    /// <summary>Raised for every event as it is recorded, on the simulation's thread.</summary>
    public event Action<TraceEvent>? Recorded;

    /// <summary>How many events of <paramref name="kind"/> were recorded.</summary>
    public long Count(TraceKind kind) => kindCounts[(int)kind];

    /// <summary>How many packets were dropped for <paramref name="reason"/>.</summary>
    public long Dropped(DropReason reason) => dropCounts[(int)reason];

    /// <summary>Every kept event, one per line, in the stable rendering of <see cref="TraceEvent.ToString"/>.</summary>
    public string Dump() => string.Join('\n', events);

    internal void Record(in TraceEvent e, int hostIndex)
    {
        kindCounts[(int)e.Kind]++;
        if (e.Kind == TraceKind.Drop)
        {
            dropCounts[(int)e.Reason]++;
        }

        ulong h = hash;
        h = Mix(h, (ulong)e.Time.Ticks);
        h = Mix(h, (ulong)e.Kind);
        h = Mix(h, (ulong)e.PacketId);
        h = Mix(h, (ulong)e.ParentId);
        h = Mix(h, (ulong)e.Reason);
        h = Mix(h, (ulong)e.Protocol);
        h = Mix(h, (ulong)hostIndex);
        h = MixAddress(h, e.Source);
        h = Mix(h, (ulong)e.SourcePort);
        h = MixAddress(h, e.Destination);
        h = Mix(h, (ulong)e.DestinationPort);
        h = Mix(h, (ulong)e.Length);
        h = Mix(h, (ulong)e.Receivers);
        hash = h;

        if (KeepEvents)
        {
            events.Add(e);
        }

        Recorded?.Invoke(e);
    }

    private static ulong Mix(ulong h, ulong value)
    {
        for (int i = 0; i < 8; i++)
        {
            h = (h ^ (value & 0xFF)) * FnvPrime;
            value >>= 8;
        }

        return h;
    }

    private static ulong MixAddress(ulong h, IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        h = Mix(h, address.AddressFamily == AddressFamily.InterNetwork ? 4UL : 6UL);
        for (int i = 0; i < written; i++)
        {
            h = (h ^ bytes[i]) * FnvPrime;
        }

        return h;
    }
}
