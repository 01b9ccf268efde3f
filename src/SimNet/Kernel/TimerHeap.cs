namespace SimNet.Kernel;

/// <summary>
/// Something with one place on the agenda that moves or leaves it: a timer. Unlike a packet's
/// event, which is scheduled once and runs once, a timer is re-armed and cancelled far more often
/// than it fires (a retransmission timer, a <c>CancellationTokenSource</c> that is disposed), so it
/// keeps its slot in <see cref="TimerHeap"/> and moves it, instead of leaving stale events behind.
/// </summary>
internal abstract class TimerEntry : IEventHandler
{
    internal long Due;

    /// <summary>The tie-break among entries due at the same instant (a timer's creation order).</summary>
    internal long Sequence;

    /// <summary>
    /// Set (only while disarmed) when this timer is housekeeping: it can end no wait while its owner says
    /// so (a zero-window probe the peer keeps answering), so an agenda of only such timers is idle.
    /// </summary>
    internal IHousekeeper? Housekeeper;

    /// <summary>Where the entry sits in its heap; -1 while it is not armed.</summary>
    internal int HeapIndex = -1;

    public bool IsArmed => HeapIndex >= 0;

    public abstract void OnEvent(object? state, long tag);
}

/// <summary>
/// A four-ary min-heap of <see cref="TimerEntry"/> ordered by (due, sequence) that knows where each
/// entry is, so re-arming is a sift and cancelling a removal: O(log n), and nothing stale stays.
/// </summary>
/// <remarks>
/// Each slot holds its entry's key beside the reference, so sifting compares keys in one array and
/// touches an entry's object only to tell it its new place: with thousands of timers (a heartbeat per
/// host) the entries lie all over the heap, and reading each one's key was a cache miss per comparison.
/// Four children per node halve the depth; the four keys of a node's children sit side by side.
/// (Due, sequence) is a total order (sequences are unique), so the order is the same as any heap's.
/// </remarks>
internal sealed class TimerHeap
{
    private const int Arity = 4;

    private struct Slot
    {
        public long Due;
        public long Sequence;
        public TimerEntry Entry;
    }

    private Slot[] items = new Slot[16];

    public int Count { get; private set; }

    public TimerEntry? Peek() => Count > 0 ? items[0].Entry : null;

    /// <summary>Arms <paramref name="entry"/> at <paramref name="due"/>, or moves it there when it is armed already.</summary>
    public void Set(TimerEntry entry, long due)
    {
        int i = entry.HeapIndex;
        if (i < 0)
        {
            if (Count == items.Length)
            {
                Array.Resize(ref items, items.Length * 2);
            }

            entry.Due = due;
            SiftUp(Count++, new Slot { Due = due, Sequence = entry.Sequence, Entry = entry });
            return;
        }

        long old = entry.Due;
        entry.Due = due;
        var slot = new Slot { Due = due, Sequence = entry.Sequence, Entry = entry };
        if (due < old)
        {
            SiftUp(i, slot);
        }
        else
        {
            SiftDown(i, slot);
        }
    }

    /// <summary>Takes <paramref name="entry"/> off the heap; nothing happens when it is not armed.</summary>
    public void Remove(TimerEntry entry)
    {
        int i = entry.HeapIndex;
        if (i < 0)
        {
            return;
        }

        entry.HeapIndex = -1;
        Count--;
        if (i == Count)
        {
            items[Count] = default;
            return;
        }

        Slot last = items[Count];
        items[Count] = default;
        if (i > 0 && Before(last, items[(i - 1) / Arity]))
        {
            SiftUp(i, last);
        }
        else
        {
            SiftDown(i, last);
        }
    }

    private static bool Before(in Slot a, in Slot b) =>
        a.Due < b.Due || (a.Due == b.Due && a.Sequence < b.Sequence);

    /// <summary>Places <paramref name="slot"/> at <paramref name="i"/> or above, moving later parents down.</summary>
    private void SiftUp(int i, Slot slot)
    {
        Slot[] a = items;
        while (i > 0)
        {
            int parent = (i - 1) / Arity;
            if (!Before(slot, a[parent]))
            {
                break;
            }

            a[i] = a[parent];
            a[i].Entry.HeapIndex = i;
            i = parent;
        }

        a[i] = slot;
        slot.Entry.HeapIndex = i;
    }

    /// <summary>Places <paramref name="slot"/> at <paramref name="i"/> or below, moving earlier children up.</summary>
    private void SiftDown(int i, Slot slot)
    {
        Slot[] a = items;
        int count = Count;
        while (true)
        {
            int first = (i * Arity) + 1;
            if (first >= count)
            {
                break;
            }

            int best = first;
            int end = Math.Min(first + Arity, count);
            for (int c = first + 1; c < end; c++)
            {
                if (Before(a[c], a[best]))
                {
                    best = c;
                }
            }

            if (!Before(a[best], slot))
            {
                break;
            }

            a[i] = a[best];
            a[i].Entry.HeapIndex = i;
            i = best;
        }

        a[i] = slot;
        slot.Entry.HeapIndex = i;
    }
}
