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

    /// <summary>FNV-1a over the 8 little-endian bytes of <paramref name="value"/>.</summary>
    /// <remarks>
    /// A zero byte only multiplies by the prime ((h ^ 0) * p = h * p), so the zero bytes above the
    /// highest set one are folded into one multiply by a power of the prime: the same hash, with a
    /// third of the multiplies for the small numbers most fields hold.
    /// </remarks>
    internal static ulong Mix(ulong h, ulong value)
    {
        int significant = (71 - System.Numerics.BitOperations.LeadingZeroCount(value)) >> 3;
        for (int i = 0; i < significant; i++)
        {
            h = (h ^ (value & 0xFF)) * FnvPrime;
            value >>= 8;
        }

        return h * FnvPrimePowers[8 - significant];
    }

    /// <summary>FnvPrime^k for k = 0..8 (mod 2^64).</summary>
    private static ReadOnlySpan<ulong> FnvPrimePowers =>
    [
        1UL,
        FnvPrime,
        unchecked(FnvPrime * FnvPrime),
        unchecked(FnvPrime * FnvPrime * FnvPrime),
        unchecked(FnvPrime * FnvPrime * FnvPrime * FnvPrime),
        unchecked(FnvPrime * FnvPrime * FnvPrime * FnvPrime * FnvPrime),
        unchecked(FnvPrime * FnvPrime * FnvPrime * FnvPrime * FnvPrime * FnvPrime),
        unchecked(FnvPrime * FnvPrime * FnvPrime * FnvPrime * FnvPrime * FnvPrime * FnvPrime),
        unchecked(FnvPrime * FnvPrime * FnvPrime * FnvPrime * FnvPrime * FnvPrime * FnvPrime * FnvPrime),
    ];

    internal static ulong MixAddress(ulong h, IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            // The same bytes as TryWriteBytes gives, read from the address's own field: no copy.
#pragma warning disable CS0618 // IPAddress.Address is obsolete for IPv6 only; it is exact for IPv4
            long network = address.Address;
#pragma warning restore CS0618
            h = Mix(h, 4UL);
            for (int i = 0; i < 4; i++)
            {
                h = (h ^ (ulong)((network >> (8 * i)) & 0xFF)) * FnvPrime;
            }

            return h;
        }

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
