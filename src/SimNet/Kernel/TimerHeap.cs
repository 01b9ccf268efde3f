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

    /// <summary>
    /// A periodic timer's period (0: one-shot). When a periodic entry falls due, the agenda moves it one
    /// period on in place (one sift down from the root) instead of taking it off and arming it again (a
    /// sift down, then a sift up): the same order, half the heap work, for every heartbeat of every host.
    /// </summary>
    internal long PeriodTicks;

    /// <summary>The entry's number in its heap while armed (where the heap keeps its place); -1 while it is not.</summary>
    internal int HeapId = -1;

    public bool IsArmed => HeapId >= 0;

    public abstract void OnEvent(object? state, long tag);
}

/// <summary>
/// A four-ary min-heap of <see cref="TimerEntry"/> ordered by (due, sequence) that knows where each
/// entry is, so re-arming is a sift and cancelling a removal: O(log n), and nothing stale stays.
/// </summary>
/// <remarks>
/// The heap itself holds only numbers: each slot is an armed entry's key and its id (a small number the
/// entry keeps while armed), and where each id sits is in a side array. Sifting then reads keys from one
/// array and moves plain structs, without touching the entries' objects (with thousands of timers, a
/// heartbeat per host, those lie all over the managed heap and each read was a cache miss) and without
/// the GC's write barrier that moving references costs. Four children per node halve the depth and sit
/// side by side. (Due, sequence) is a total order (sequences are unique), so the order is the same as
/// any heap's; ids never take part in it.
/// </remarks>
internal sealed class TimerHeap
{
    private const int Arity = 4;

    private struct Slot
    {
        public long Due;
        public long Sequence;
        public int Id;
    }

    private Slot[] heap = new Slot[16];
    private int[] position = new int[16]; // by id: the id's index in heap
    private TimerEntry?[] entries = new TimerEntry?[16]; // by id
    private int[] freeIds = new int[16];
    private int freeCount;
    private int nextId;

    public int Count { get; private set; }

    public TimerEntry? Peek() => Count > 0 ? entries[heap[0].Id] : null;

    /// <summary>Arms <paramref name="entry"/> at <paramref name="due"/>, or moves it there when it is armed already.</summary>
    public void Set(TimerEntry entry, long due)
    {
        int id = entry.HeapId;
        if (id < 0)
        {
            id = freeCount > 0 ? freeIds[--freeCount] : NewId();
            entries[id] = entry;
            entry.HeapId = id;
            entry.Due = due;
            SiftUp(Count++, new Slot { Due = due, Sequence = entry.Sequence, Id = id });
            return;
        }

        long old = entry.Due;
        entry.Due = due;
        var slot = new Slot { Due = due, Sequence = entry.Sequence, Id = id };
        if (due < old)
        {
            SiftUp(position[id], slot);
        }
        else
        {
            SiftDown(position[id], slot);
        }
    }

    private int NewId()
    {
        if (nextId == entries.Length)
        {
            int size = entries.Length * 2;
            Array.Resize(ref entries, size);
            Array.Resize(ref position, size);
            Array.Resize(ref freeIds, size);
            Array.Resize(ref heap, size);
        }

        return nextId++;
    }

    /// <summary>Takes <paramref name="entry"/> off the heap; nothing happens when it is not armed.</summary>
    public void Remove(TimerEntry entry)
    {
        int id = entry.HeapId;
        if (id < 0)
        {
            return;
        }

        int i = position[id];
        entry.HeapId = -1;
        entries[id] = null;
        freeIds[freeCount++] = id;
        Count--;
        if (i == Count)
        {
            return;
        }

        Slot last = heap[Count];
        if (i > 0 && Before(last, heap[(i - 1) / Arity]))
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
        Slot[] a = heap;
        int[] at = position;
        while (i > 0)
        {
            int parent = (i - 1) / Arity;
            if (!Before(slot, a[parent]))
            {
                break;
            }

            a[i] = a[parent];
            at[a[i].Id] = i;
            i = parent;
        }

        a[i] = slot;
        at[slot.Id] = i;
    }

    /// <summary>Places <paramref name="slot"/> at <paramref name="i"/> or below, moving earlier children up.</summary>
    private void SiftDown(int i, Slot slot)
    {
        Slot[] a = heap;
        int[] at = position;
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
            at[a[i].Id] = i;
            i = best;
        }

        a[i] = slot;
        at[slot.Id] = i;
    }
}
