namespace SimNet.Kernel;

/// <summary>Something the event queue can call back when its time comes.</summary>
/// <remarks>
/// Handlers are long-lived objects (an adapter, a timer, a socket) and the per-event data
/// travels in the event's state object, so that scheduling an event allocates nothing.
/// </remarks>
internal interface IEventHandler
{
    /// <summary>Runs the event. <paramref name="tag"/> is the value given when scheduling.</summary>
    void OnEvent(object? state, long tag);
}

/// <summary>
/// The simulation's agenda: events ordered by (due time, sequence number). The sequence
/// number is the order of scheduling, so two events due at the same instant run in the
/// order they were scheduled, in every process.
/// </summary>
internal sealed class EventQueue
{
    private readonly PriorityQueue<Entry, Key> queue = new(KeyComparer.Instance);
    private long nextSequence;

    internal readonly record struct Key(long Due, long Sequence);

    internal readonly record struct Entry(IEventHandler Handler, object? State, long Tag, long Sequence);

    private sealed class KeyComparer : IComparer<Key>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare(Key x, Key y)
        {
            int c = x.Due.CompareTo(y.Due);
            return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
        }
    }

    public int Count => queue.Count;

    /// <summary>Schedules an event; returns its sequence number (used by timers to spot stale events).</summary>
    public long Schedule(long dueTicks, IEventHandler handler, object? state, long tag)
    {
        long seq = nextSequence++;
        queue.Enqueue(new Entry(handler, state, tag, seq), new Key(dueTicks, seq));
        return seq;
    }

    /// <summary>Schedules with a sequence number taken earlier from <see cref="NextSequence"/> (a timer's creation order).</summary>
    public void ScheduleWithSequence(long dueTicks, long sequence, IEventHandler handler, object? state, long tag) =>
        queue.Enqueue(new Entry(handler, state, tag, sequence), new Key(dueTicks, sequence));

    /// <summary>Takes the next sequence number without scheduling anything.</summary>
    public long NextSequence() => nextSequence++;

    public bool TryPeekDue(out long dueTicks)
    {
        if (queue.TryPeek(out _, out Key key))
        {
            dueTicks = key.Due;
            return true;
        }

        dueTicks = 0;
        return false;
    }

    public bool TryDequeue(out Entry entry, out long dueTicks)
    {
        if (queue.TryDequeue(out entry, out Key key))
        {
            dueTicks = key.Due;
            return true;
        }

        dueTicks = 0;
        return false;
    }
}
