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
/// A binary min-heap of <see cref="TimerEntry"/> ordered by (due, sequence) that knows where each
/// entry is, so re-arming is a sift and cancelling a removal: O(log n), and nothing stale stays.
/// </summary>
internal sealed class TimerHeap
{
    private TimerEntry[] items = new TimerEntry[16];

    public int Count { get; private set; }

    public TimerEntry? Peek() => Count > 0 ? items[0] : null;

    /// <summary>Arms <paramref name="entry"/> at <paramref name="due"/>, or moves it there when it is armed already.</summary>
    public void Set(TimerEntry entry, long due)
    {
        if (entry.HeapIndex < 0)
        {
            if (Count == items.Length)
            {
                Array.Resize(ref items, items.Length * 2);
            }

            entry.Due = due;
            entry.HeapIndex = Count;
            items[Count++] = entry;
            SiftUp(entry.HeapIndex);
            return;
        }

        long old = entry.Due;
        entry.Due = due;
        if (due < old)
        {
            SiftUp(entry.HeapIndex);
        }
        else
        {
            SiftDown(entry.HeapIndex);
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
            items[Count] = null!;
            return;
        }

        TimerEntry last = items[Count];
        items[Count] = null!;
        items[i] = last;
        last.HeapIndex = i;
        SiftUp(i);
        SiftDown(last.HeapIndex);
    }

    private static bool Before(TimerEntry a, TimerEntry b) =>
        a.Due < b.Due || (a.Due == b.Due && a.Sequence < b.Sequence);

    private void SiftUp(int i)
    {
        TimerEntry entry = items[i];
        while (i > 0)
        {
            int parent = (i - 1) >> 1;
            if (!Before(entry, items[parent]))
            {
                break;
            }

            items[i] = items[parent];
            items[i].HeapIndex = i;
            i = parent;
        }

        items[i] = entry;
        entry.HeapIndex = i;
    }

    private void SiftDown(int i)
    {
        TimerEntry entry = items[i];
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && Before(items[child + 1], items[child]))
            {
                child++;
            }

            if (!Before(items[child], entry))
            {
                break;
            }

            items[i] = items[child];
            items[i].HeapIndex = i;
            i = child;
        }

        items[i] = entry;
        entry.HeapIndex = i;
    }
}
