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
/// The agenda's timers, ordered by (due, sequence): a four-ary min-heap that knows where each entry is, so
/// re-arming is a sift and cancelling a removal (O(log n), and nothing stale stays), beside a first-in
/// first-out run for timers armed in order.
/// </summary>
/// <remarks>
/// <para>
/// The heap itself holds only numbers: each slot is an armed entry's key and its id (a small number the
/// entry keeps while armed), and where each id sits is in a side array of nodes (one per id: the entry, its
/// place, its key and links while in the run, all on one cache line). Sifting then reads keys from one
/// array and moves plain structs, without touching the entries' objects (with thousands of timers, a
/// heartbeat per host, those lie all over the managed heap and each read was a cache miss) and without
/// the GC's write barrier that moving references costs. Four children per node halve the depth and sit
/// side by side.
/// </para>
/// <para>
/// The run: a timer armed with a key later than every key in the run joins its end in O(1), linked by id in
/// both directions so that moving or cancelling it is O(1) too. Periodic timers of one period land there:
/// one that falls due moves one period on, which is later than every other re-armed one (each was re-armed
/// at an earlier (due, sequence)), so a thousand hosts' heartbeats cycle through the run without a sift;
/// through the heap, each re-arm sank from the root to a leaf (a tenth of a 10,000-host heartbeat run).
/// The earliest timer is the earlier of the two heads. (Due, sequence) is a total order (sequences are
/// unique), so the order is the same as any single heap's; ids never take part in it.
/// </para>
/// </remarks>
internal sealed class TimerHeap
{
    private const int Arity = 4;
    private const int InRun = -1; // position of an id that is in the run, not the heap

    private struct Slot
    {
        public long Due;
        public long Sequence;
        public int Id;
    }

    private Slot[] heap = new Slot[4];
    private int heapCount;
    private Node[] nodes = new Node[4]; // by id: everything the agenda keeps of one armed entry, on one cache line
    private int[] freeIds = new int[4];
    private int freeCount;
    private int nextId;

    /// <summary>One armed entry: where it is, its key while in the run, and its links there (-1 ends a link).</summary>
    private struct Node
    {
        public TimerEntry? Entry;
        public long Due;        // while in the run
        public long Sequence;   // while in the run
        public int Position;    // its index in heap, or InRun
        public int Earlier;     // in the run: toward the head
        public int Later;       // in the run: toward the tail
    }

    private int runHead = -1;
    private int runTail = -1;
    private int runCount;

    public int Count => heapCount + runCount;

    /// <summary>The armed entry due first, or null.</summary>
    public TimerEntry? Peek() => HeadId() is var id && id >= 0 ? nodes[id].Entry : null;

    /// <summary>The first entry's key, read from the agenda's own arrays (not from the entry's object).</summary>
    public bool TryPeekKey(out long due, out long sequence, out TimerEntry? entry)
    {
        int id = HeadId();
        if (id < 0)
        {
            due = sequence = 0;
            entry = null;
            return false;
        }

        ref Node node = ref nodes[id];
        if (node.Position == InRun)
        {
            due = node.Due;
            sequence = node.Sequence;
        }
        else
        {
            due = heap[0].Due;
            sequence = heap[0].Sequence;
        }

        entry = node.Entry;
        return true;
    }

    private int HeadId()
    {
        if (runHead < 0)
        {
            return heapCount > 0 ? heap[0].Id : -1;
        }

        if (heapCount == 0)
        {
            return runHead;
        }

        ref Node head = ref nodes[runHead];
        ref Slot root = ref heap[0];
        return head.Due < root.Due || (head.Due == root.Due && head.Sequence < root.Sequence) ? runHead : root.Id;
    }

    /// <summary>Arms <paramref name="entry"/> at <paramref name="due"/>, or moves it there when it is armed already.</summary>
    public void Set(TimerEntry entry, long due)
    {
        int id = entry.HeapId;
        var key = new Slot { Due = due, Sequence = entry.Sequence };
        if (id < 0)
        {
            id = freeCount > 0 ? freeIds[--freeCount] : NewId();
            nodes[id].Entry = entry;
            entry.HeapId = id;
            entry.Due = due;
            key.Id = id;
            Insert(key);
            return;
        }

        key.Id = id;
        long old = entry.Due;
        entry.Due = due;
        int at = nodes[id].Position;
        if (at == InRun)
        {
            Unlink(id);
            Insert(key);
        }
        else if (FitsRun(key))
        {
            RemoveFromHeap(at);
            Append(key);
        }
        else if (due < old)
        {
            SiftUp(at, key);
        }
        else
        {
            SiftDown(at, key);
        }
    }

    private bool FitsRun(in Slot key)
    {
        if (runTail < 0)
        {
            return true;
        }

        ref Node tail = ref nodes[runTail];
        return tail.Due < key.Due || (tail.Due == key.Due && tail.Sequence < key.Sequence);
    }

    private void Insert(in Slot key)
    {
        if (FitsRun(key))
        {
            Append(key);
        }
        else
        {
            SiftUp(heapCount++, key);
        }
    }

    private void Append(in Slot key)
    {
        int id = key.Id;
        ref Node node = ref nodes[id];
        node.Due = key.Due;
        node.Sequence = key.Sequence;
        node.Position = InRun;
        node.Earlier = runTail;
        node.Later = -1;
        if (runTail >= 0)
        {
            nodes[runTail].Later = id;
        }
        else
        {
            runHead = id;
        }

        runTail = id;
        runCount++;
    }

    private void Unlink(int id)
    {
        ref Node node = ref nodes[id];
        int before = node.Earlier, after = node.Later;
        if (before >= 0)
        {
            nodes[before].Later = after;
        }
        else
        {
            runHead = after;
        }

        if (after >= 0)
        {
            nodes[after].Earlier = before;
        }
        else
        {
            runTail = before;
        }

        runCount--;
    }

    private int NewId()
    {
        if (nextId == nodes.Length)
        {
            int size = nodes.Length * 2;
            Array.Resize(ref nodes, size);
            Array.Resize(ref freeIds, size);
            Array.Resize(ref heap, size);
        }

        return nextId++;
    }

    /// <summary>Takes <paramref name="entry"/> off the agenda; nothing happens when it is not armed.</summary>
    public void Remove(TimerEntry entry)
    {
        int id = entry.HeapId;
        if (id < 0)
        {
            return;
        }

        int at = nodes[id].Position;
        entry.HeapId = -1;
        nodes[id].Entry = null;
        freeIds[freeCount++] = id;
        if (at == InRun)
        {
            Unlink(id);
        }
        else
        {
            RemoveFromHeap(at);
        }
    }

    /// <summary>Takes the slot at heap index <paramref name="i"/> out, the last slot filling its place.</summary>
    private void RemoveFromHeap(int i)
    {
        heapCount--;
        if (i == heapCount)
        {
            return;
        }

        Slot last = heap[heapCount];
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
        Node[] at = nodes;
        while (i > 0)
        {
            int parent = (i - 1) / Arity;
            if (!Before(slot, a[parent]))
            {
                break;
            }

            a[i] = a[parent];
            at[a[i].Id].Position = i;
            i = parent;
        }

        a[i] = slot;
        at[slot.Id].Position = i;
    }

    /// <summary>Places <paramref name="slot"/> at <paramref name="i"/> or below, moving earlier children up.</summary>
    private void SiftDown(int i, Slot slot)
    {
        Slot[] a = heap;
        Node[] at = nodes;
        int count = heapCount;
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
            at[a[i].Id].Position = i;
            i = best;
        }

        a[i] = slot;
        at[slot.Id].Position = i;
    }
}
