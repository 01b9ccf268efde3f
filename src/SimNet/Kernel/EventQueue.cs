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

/// <summary>The owner of housekeeping events: says whether running them could still change anything.</summary>
internal interface IHousekeeper
{
    /// <summary>True while this owner's housekeeping can end no wait (the peer still keeps its window shut).</summary>
    bool IsFutile { get; }
}

/// <summary>
/// The simulation's agenda: events ordered by (due time, sequence number). The sequence
/// number is the order of scheduling, so two events due at the same instant run in the
/// order they were scheduled, in every process.
/// </summary>
/// <remarks>
/// Most events arrive already in order (a zero-latency delivery is due now, after everything
/// scheduled before it; a broadcast schedules one delivery per adapter at the same instant), so
/// they go to a first-in first-out run that costs O(1); only an event that would break the run's
/// order goes to the heap. Taking the smaller head of the two gives exactly the (due, sequence)
/// order a single heap would. Timers live in a third structure, <see cref="TimerHeap"/>, where
/// each keeps one slot that re-arming moves and cancelling frees, so a disposed timer never holds
/// the clock back or forward and a million re-arms leave nothing behind.
/// </remarks>
internal sealed class EventQueue
{
    private readonly PriorityQueue<Entry, Key> heap = new(KeyComparer.Instance);
    private readonly Queue<(Key Key, Entry Entry)> run = new();
    private readonly TimerHeap timers = new();
    private Key lastInRun;
    private long nextSequence;

    internal readonly record struct Key(long Due, long Sequence);

    internal readonly record struct Entry(IEventHandler Handler, object? State, long Tag, long Sequence);

    // Entries that cannot change anything an application waits for (a zero-window probe the peer keeps
    // answering): when only these are left, the world is as good as idle.
    private int housekeeping;
    private readonly List<IHousekeeper> housekeepers = new(); // one per housekeeping entry, in scheduling order

    /// <summary>Whether every housekeeping entry's owner says its housekeeping can change nothing.</summary>
    public bool HousekeepingIsFutile()
    {
        for (int i = 0; i < housekeepers.Count; i++)
        {
            if (!housekeepers[i].IsFutile)
            {
                return false;
            }
        }

        return true;
    }

    private void Armed(TimerEntry timer)
    {
        if (timer.Housekeeper is { } owner)
        {
            housekeeping++;
            housekeepers.Add(owner);
        }
    }

    private void Disarmed(TimerEntry timer)
    {
        if (timer.Housekeeper is { } owner)
        {
            housekeeping--;
            housekeepers.Remove(owner);
        }
    }

    /// <summary>Whether there are events and every one of them is housekeeping.</summary>
    public bool OnlyHousekeeping => housekeeping > 0 && housekeeping == Count;

    private sealed class KeyComparer : IComparer<Key>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare(Key x, Key y) => Order(x, y);
    }

    private static int Order(Key x, Key y)
    {
        int c = x.Due.CompareTo(y.Due);
        return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
    }

    public int Count => heap.Count + run.Count + timers.Count;

    /// <summary>Arms <paramref name="timer"/> at <paramref name="dueTicks"/>, or moves it there; its <see cref="TimerEntry.Sequence"/> is the tie-break.</summary>
    public void SetTimer(TimerEntry timer, long dueTicks)
    {
        if (!timer.IsArmed)
        {
            Armed(timer);
        }

        timers.Set(timer, dueTicks);
    }

    /// <summary>Disarms <paramref name="timer"/>: its slot leaves the agenda at once.</summary>
    public void CancelTimer(TimerEntry timer)
    {
        if (timer.IsArmed)
        {
            Disarmed(timer);
            timers.Remove(timer);
        }
    }

    /// <summary>Schedules an event; returns its sequence number (used by timers to spot stale events).</summary>
    public long Schedule(long dueTicks, IEventHandler handler, object? state, long tag)
    {
        long seq = nextSequence++;
        Add(new Key(dueTicks, seq), new Entry(handler, state, tag, seq));
        return seq;
    }

    /// <summary>Schedules with a sequence number taken earlier from <see cref="NextSequence"/> (a timer's creation order).</summary>
    public void ScheduleWithSequence(long dueTicks, long sequence, IEventHandler handler, object? state, long tag) =>
        Add(new Key(dueTicks, sequence), new Entry(handler, state, tag, sequence));

    /// <summary>Takes the next sequence number without scheduling anything.</summary>
    public long NextSequence() => nextSequence++;

    private void Add(Key key, Entry entry)
    {
        if (run.Count == 0 || Order(key, lastInRun) > 0)
        {
            run.Enqueue((key, entry));
            lastInRun = key;
        }
        else
        {
            heap.Enqueue(entry, key);
        }
    }

    /// <summary>Whether the run's head comes before the heap's (or the heap is empty); false when the run is empty.</summary>
    private bool RunFirst(out Key runKey)
    {
        if (!run.TryPeek(out (Key Key, Entry Entry) head))
        {
            runKey = default;
            return false;
        }

        runKey = head.Key;
        return !heap.TryPeek(out _, out Key heapKey) || Order(runKey, heapKey) < 0;
    }

    public bool TryPeekDue(out long dueTicks)
    {
        bool any = TryPeekEventKey(out Key key);
        if (timers.TryPeekKey(out long timerDue, out long timerSequence, out _) && (!any || Order(new Key(timerDue, timerSequence), key) < 0))
        {
            dueTicks = timerDue;
            return true;
        }

        dueTicks = key.Due;
        return any;
    }

    public bool TryDequeue(out Entry entry, out long dueTicks) => TryDequeue(long.MaxValue, out entry, out dueTicks);

    /// <summary>
    /// Takes the next entry when it is due at or before <paramref name="limitTicks"/>: one look at the
    /// three heads, where a peek then a dequeue took three (the driver does this once per event).
    /// </summary>
    public bool TryDequeue(long limitTicks, out Entry entry, out long dueTicks)
    {
        bool runFirst = RunFirst(out Key key);
        bool any = runFirst || heap.TryPeek(out _, out key);
        // The timer's key comes from the agenda's own arrays: when an event comes first, the timer's object
        // (cold, with thousands of timers) is not read at all.
        if (timers.TryPeekKey(out long timerDue, out long timerSequence, out TimerEntry? timer) && (!any || Order(new Key(timerDue, timerSequence), key) < 0))
        {
            if (timerDue > limitTicks)
            {
                entry = default;
                dueTicks = timerDue;
                return false;
            }

            entry = new Entry(timer!, null, 0, timerSequence);
            dueTicks = timerDue;
            if (timer!.PeriodTicks > 0)
            {
                timers.Set(timer, timerDue + timer.PeriodTicks); // falls due again one period on: stays armed
            }
            else
            {
                Disarmed(timer);
                timers.Remove(timer);
            }

            return true;
        }

        dueTicks = key.Due;
        if (!any || key.Due > limitTicks)
        {
            entry = default;
            return false;
        }

        if (runFirst)
        {
            entry = run.Dequeue().Entry;
        }
        else
        {
            heap.TryDequeue(out entry, out _);
        }

        return true;
    }

    private bool TryPeekEventKey(out Key key)
    {
        if (RunFirst(out key))
        {
            return true;
        }

        return heap.TryPeek(out _, out key);
    }
}
