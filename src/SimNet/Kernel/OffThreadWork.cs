using System.Diagnostics;

namespace SimNet.Kernel;

/// <summary>
/// Code of the simulation that left the driving thread: a <c>Task.Run</c> in host software, a
/// library's hop to the thread pool, a continuation the runtime queued there. It still belongs to
/// the simulation, so the driver neither moves time nor reports a deadlock while it is queued or
/// running, and picks up what it posts back.
/// </summary>
/// <remarks>
/// <para>How work is recognised: everything run by <see cref="Simulation.Run(Func{Task})"/>,
/// <see cref="Simulation.Spawn"/> and a host's software carries an <see cref="AsyncLocal{T}"/> marker
/// naming its simulation. The execution context flows to every thread-pool item such code queues,
/// and an async local with a change handler is told each time a thread starts and stops running
/// under it: that is the count of threads running the simulation's code away from the driver.</para>
/// <para>Work queued but not yet started cannot be told apart from other work in the process;
/// the driver reads <see cref="ThreadPool.PendingWorkItemCount"/> after it ran code that could have
/// queued some, and waits (wall time, never virtual) for the pool to take it. Pending work of
/// other simulations or other code in the process looks the same, so that wait gives up after
/// <see cref="AdvancePatience"/> (<see cref="SameInstantPatience"/> before an event at the current instant): past it, a starved item of this simulation may start late, after
/// the clock moved. That is the one gap in the guarantee, and why thread-pool work is "correct",
/// not "deterministic", when several pieces of it run at once.</para>
/// <para>The wall clock here only bounds how long the driver waits for other threads; it never
/// reaches the trace, the virtual clock or any random draw.</para>
/// </remarks>
internal sealed class OffThreadWork
{
    /// <summary>The marker every flow of simulated code carries (an immutable holder, not shared state).</summary>
    private static readonly AsyncLocal<Simulation?> Marker = new(OnMarkerChanged);

    /// <summary>How long the driver waits for queued thread-pool work to start before an event at the current instant.</summary>
    internal static readonly TimeSpan SameInstantPatience = TimeSpan.FromMilliseconds(50);

    /// <summary>How long it waits before moving the clock or declaring the simulation idle: longer, because a wrong guess there moves time.</summary>
    internal static readonly TimeSpan AdvancePatience = TimeSpan.FromSeconds(2);

    private readonly Simulation simulation;
    private readonly object gate = new();
    private readonly List<Runner> running = new();
    private long departures;
    private int runningCount;

    public OffThreadWork(Simulation simulation) => this.simulation = simulation;

    /// <summary>How many times code of the simulation started running on a thread other than the driver's.</summary>
    public long Departures => Interlocked.Read(ref departures);

    /// <summary>The simulation whose code the calling flow is (null outside any).</summary>
    public static Simulation? Current => Marker.Value;

    /// <summary>Marks the calling flow as code of <paramref name="simulation"/>; returns the previous marker to restore.</summary>
    public static Simulation? Enter(Simulation? simulation)
    {
        Simulation? previous = Marker.Value;
        if (!ReferenceEquals(previous, simulation))
        {
            Marker.Value = simulation;
        }

        return previous;
    }

    private sealed class Runner
    {
        public required Thread Thread;
        public required string? Host;
        public required long Since;
        public int Blocked;

        /// <summary>Wall timestamp at which a granted item switched to a context without the marker (0: not detached).</summary>
        public long DetachedSince;
    }

    /// <summary>How long a granted item that lost the marker still counts as running unless its thread takes another item first.</summary>
    private static readonly TimeSpan DetachedGrace = TimeSpan.FromMilliseconds(5);

    private static void OnMarkerChanged(AsyncLocalValueChangedArgs<Simulation?> change)
    {
        // Both kinds of change count: a thread taking on a flowed context (ThreadContextChanged), and an
        // explicit set on a thread (an ordered work item starting; see OnDequeued). The driver's own are ignored.
        if (ReferenceEquals(change.PreviousValue, change.CurrentValue))
        {
            return;
        }

        change.PreviousValue?.OffThread.Left(change.ThreadContextChanged);
        change.CurrentValue?.OffThread.Arrived();
    }

    private void Arrived()
    {
        if (simulation.IsDriverThread)
        {
            return;
        }

        Thread thread = Thread.CurrentThread;
        lock (gate)
        {
            if (Find(thread) is { } known)
            {
                known.DetachedSince = 0; // an ordered item, counted when the driver granted it (back under the marker)
                return;
            }

            AddRunnerLocked(thread, Topology.Host.Current?.Name);
            if (Ordered)
            {
                unorderedArrivals++;
            }
        }
    }

    private void Left(bool contextChanged)
    {
        Thread thread = Thread.CurrentThread;
        lock (gate)
        {
            // A granted item switching to a context it captured without the marker (a flow that began where the
            // marker was not) is still running: it stays counted, detached, until its thread
            // takes another item, comes back under the marker, or DetachedGrace passes. The pool's reset after an
            // item leaves no context at all (Capture() is null): that is a real end.
            if (contextChanged && granted.Contains(thread) && Find(thread) is { } r && ExecutionContext.Capture() is not null)
            {
                r.DetachedSince = Stopwatch.GetTimestamp(); // wall clock: bounds how long the driver waits for the tail
                return;
            }

            RemoveRunnerLocked(thread);
        }
    }

    private void AddRunnerLocked(Thread thread, string? host)
    {
        running.Add(new Runner { Thread = thread, Host = host, Since = Stopwatch.GetTimestamp() }); // wall clock: only for the guard and its report
        departures++;
        Volatile.Write(ref runningCount, running.Count);
    }

    private void RemoveRunnerLocked(Thread thread)
    {
        for (int i = 0; i < running.Count; i++)
        {
            if (running[i].Thread == thread)
            {
                running.RemoveAt(i);
                Volatile.Write(ref runningCount, running.Count);
                Monitor.PulseAll(gate);
                return;
            }
        }
    }

    // ------------------------------------------------------------ ordered thread-pool work

    /// <summary>A work item the simulation's code queued on the thread pool, in queue order.</summary>
    private sealed class QueuedItem
    {
        public required long Id;
        public Thread? Taker;
        public bool Granted;
    }

    private readonly List<QueuedItem> queued = new();
    private int queuedCount;
    private ThreadPoolTap? tap;
    private long abandoned;
    private long unorderedArrivals;

    /// <summary>Whether the simulation's thread-pool items run one at a time in queue order (see <see cref="Simulation.OrderedThreadPool"/>).</summary>
    public bool Ordered
    {
        get => tap is not null;
        set
        {
            if (value == (tap is not null))
            {
                return;
            }

            if (value)
            {
                tap = new ThreadPoolTap(this);
                tap.WaitUntilListening();
            }
            else
            {
                tap!.Dispose();
                tap = null;
                lock (gate)
                {
                    foreach (QueuedItem item in queued)
                    {
                        item.Granted = true;
                    }

                    queued.Clear();
                    Volatile.Write(ref queuedCount, 0);
                    Monitor.PulseAll(gate);
                }
            }
        }
    }

    /// <summary>Items queued by the simulation's code that have not started yet (ordered mode only).</summary>
    public int QueuedCount => Volatile.Read(ref queuedCount);

    /// <summary>
    /// Pieces of the simulation's code that ran on a pool thread outside the order: items the driver stopped
    /// waiting for because no pool thread took them (a task a waiter ran inline), items still queued when nobody
    /// drove, and code that arrived on a pool thread that was not granted a turn (a continuation queued by a
    /// thread the tap could not tell was the simulation's).
    /// </summary>
    public long Unordered
    {
        get
        {
            lock (gate)
            {
                return abandoned + unorderedArrivals;
            }
        }
    }

    /// <summary>The runtime queued a thread-pool item (on the queuing thread): the simulation's when its code queued it.</summary>
    internal void OnEnqueued(long id)
    {
        if (!simulation.IsDriverThread && !ReferenceEquals(Marker.Value, simulation) && !IsGrantedThread(Thread.CurrentThread))
        {
            return;
        }

        lock (gate)
        {
            queued.Add(new QueuedItem { Id = id });
            Volatile.Write(ref queuedCount, queued.Count);
        }
    }

    /// <summary>
    /// A pool thread took an item off the queue, before running it. When it is the simulation's, the thread
    /// waits here until the driver grants it its turn: every earlier item has run and no other code of the
    /// simulation runs anywhere. Then it runs marked as the simulation's code, so what it queues is ordered too.
    /// </summary>
    internal void OnDequeued(long id)
    {
        if (Volatile.Read(ref grantedCount) > 0)
        {
            // A thread granted an item has finished it when it takes the next one.
            lock (gate)
            {
                if (granted.Remove(Thread.CurrentThread))
                {
                    Volatile.Write(ref grantedCount, granted.Count);
                    RemoveRunnerLocked(Thread.CurrentThread);
                }
            }
        }

        if (Volatile.Read(ref queuedCount) == 0)
        {
            return;
        }

        lock (gate)
        {
            QueuedItem? item = null;
            foreach (QueuedItem q in queued)
            {
                if (q.Id == id && q.Taker is null)
                {
                    item = q;
                    break;
                }
            }

            if (item is null)
            {
                return;
            }

            item.Taker = Thread.CurrentThread;
            Monitor.PulseAll(gate);
            while (!item.Granted)
            {
                // Nobody drives (the run ended with this item still queued): run now, unordered, rather than
                // hold a pool thread for good. While someone drives, the driver grants or abandons every item.
                if (!Monitor.Wait(gate, 1000) && !item.Granted && !simulation.HasDriver)
                {
                    queued.Remove(item);
                    Volatile.Write(ref queuedCount, queued.Count);
                    break; // counted once, as an unordered arrival, when the marker is set below
                }
            }
        }

        Marker.Value = simulation; // counted already when granted (Arrived finds this thread)
    }

    /// <summary>Under <see cref="gate"/>: grants the oldest queued item its turn when a pool thread holds it; false when it is not taken yet.</summary>
    private bool TryGrantHeadLocked()
    {
        QueuedItem head = queued[0];
        if (head.Taker is null)
        {
            return false;
        }

        queued.RemoveAt(0);
        Volatile.Write(ref queuedCount, queued.Count);
        AddRunnerLocked(head.Taker, host: null);
        head.Granted = true;
        granted.Add(head.Taker);
        Volatile.Write(ref grantedCount, granted.Count);
        Monitor.PulseAll(gate);
        return true;
    }

    /// <summary>
    /// The threads running items they were granted, each until it takes another item. An item can leave the
    /// simulation's marker behind (it runs under the context it captured, which lacks it when its flow began
    /// where the marker was not); what that thread queues meanwhile is still the simulation's.
    /// </summary>
    private readonly List<Thread> granted = new();
    private int grantedCount;

    private bool IsGrantedThread(Thread thread)
    {
        if (Volatile.Read(ref grantedCount) == 0)
        {
            return false;
        }

        lock (gate)
        {
            return granted.Contains(thread);
        }
    }

    /// <summary>Under <see cref="gate"/>: gives up on the oldest queued item (never taken by a pool thread).</summary>
    private void AbandonHeadLocked()
    {
        queued.RemoveAt(0);
        Volatile.Write(ref queuedCount, queued.Count);
        abandoned++;
    }

    /// <summary>The calling thread, if it runs simulated code, waits for the simulation (a blocking SimNet call): it does not hold the driver up.</summary>
    public void Block()
    {
        lock (gate)
        {
            Runner? r = Find(Thread.CurrentThread);
            if (r is not null)
            {
                r.Blocked++;
                Monitor.PulseAll(gate);
            }
        }
    }

    public void Unblock()
    {
        lock (gate)
        {
            Runner? r = Find(Thread.CurrentThread);
            if (r is not null && r.Blocked > 0)
            {
                r.Blocked--;
            }
        }
    }

    private Runner? Find(Thread thread)
    {
        foreach (Runner r in running)
        {
            if (r.Thread == thread)
            {
                return r;
            }
        }

        return null;
    }

    /// <summary>Threads other than the caller running the simulation's code and not waiting for it.</summary>
    private int BusyOthersLocked()
    {
        Thread self = Thread.CurrentThread;
        int n = 0;
        long now = 0;
        for (int i = running.Count - 1; i >= 0; i--)
        {
            Runner r = running[i];
            if (r.DetachedSince != 0)
            {
                now = now == 0 ? Stopwatch.GetTimestamp() : now; // wall clock: the detached tail's grace
                if (Stopwatch.GetElapsedTime(r.DetachedSince, now) > DetachedGrace)
                {
                    RemoveRunnerLocked(r.Thread); // taken for ended (its thread may be idle: no event says so)
                    continue;
                }
            }

            if (r.Thread != self && r.Blocked == 0)
            {
                n++;
            }
        }

        return n;
    }

    /// <summary>Threads running the simulation's code away from the driver; read without a lock (a stale answer is corrected on the next step).</summary>
    public int RunningCount => Volatile.Read(ref runningCount);

    /// <summary>
    /// Waits until no other thread runs the simulation's code, then until no thread-pool item is
    /// queued, unless <paramref name="ready"/> has posted work. Waiting for running work even when
    /// posted work is ready freezes the world while a hop runs, so one hop at a time replays exactly.
    /// Queued items that neither start as this simulation's code nor finish within <paramref name="patience"/>
    /// are taken for someone else's. Throws <see cref="SimulationDeadlockException"/> when a thread has
    /// run the simulation's code for longer than <paramref name="guard"/> of wall time without returning.
    /// </summary>
    public void Settle(SimulationSynchronizationContext ready, TimeSpan guard, Func<Simulation, TimeSpan> patience)
    {
        // The common case, once per piece of user code: nothing of ours elsewhere and nothing queued.
        if (RunningCount == 0 && QueuedCount == 0 && ThreadPool.PendingWorkItemCount == 0)
        {
            return;
        }

        SettleSlowly(ready, guard, patience(simulation));
    }

    private void SettleSlowly(SimulationSynchronizationContext ready, TimeSpan guard, TimeSpan patience)
    {
        long arrivedBefore = Departures;
        long completedAtStart = ThreadPool.CompletedWorkItemCount;
        long pendingSeen = 0;
        long waitingSince = 0;
        long completedBefore = -1;
        long headSince = 0;
        var spin = new SpinWait();
        while (true)
        {
            lock (gate)
            {
                if (BusyOthersLocked() > 0)
                {
                    ThrowIfStuckLocked(guard);
                    Monitor.Wait(gate, 1);
                    spin.Reset();
                    waitingSince = 0;
                    completedBefore = -1;
                    continue;
                }

                // Ordered mode: the oldest item of ours runs next, alone, before anything else happens.
                if (queued.Count > 0)
                {
                    if (TryGrantHeadLocked())
                    {
                        headSince = 0;
                        continue;
                    }

                    long now = Stopwatch.GetTimestamp(); // wall clock: bounds the wait for a pool thread to take the item
                    if (headSince == 0)
                    {
                        headSince = now;
                    }
                    else if (Stopwatch.GetElapsedTime(headSince, now) > AdvancePatience)
                    {
                        AbandonHeadLocked();
                        headSince = 0;
                        continue;
                    }

                    Monitor.Wait(gate, 1);
                    continue;
                }
            }

            if (ready.HasReady)
            {
                return;
            }

            long pending = ThreadPool.PendingWorkItemCount;
            pendingSeen = Math.Max(pendingSeen, pending);

            // Queued work seen in this settle must show up: start here as our code, or finish. Until
            // then (or until patience runs out) it may be ours, taken off the queue and not yet started.
            bool unaccounted = pendingSeen > 0 && Departures == arrivedBefore
                && ThreadPool.CompletedWorkItemCount - completedAtStart < pendingSeen;
            if (pending > 0 || unaccounted)
            {
                long now = Stopwatch.GetTimestamp(); // wall clock: bounds how long the driver waits; never reaches the trace
                if (waitingSince == 0)
                {
                    waitingSince = now;
                }
                else if (Stopwatch.GetElapsedTime(waitingSince, now) > patience)
                {
                    return; // queued work that never starts here is taken for someone else's
                }

                spin.SpinOnce(sleep1Threshold: -1);
                completedBefore = -1;
                continue;
            }

            // Nothing queued, nobody running: look once more after a yield, so an item taken off the
            // queue but not yet marked running (a window of a few instructions) is not missed.
            long completed = ThreadPool.CompletedWorkItemCount;
            if (completedBefore == completed)
            {
                return;
            }

            completedBefore = completed;
            Thread.Yield();
        }
    }

    /// <summary>
    /// Watches (in 1 ms sleeps) whether code of the simulation starts on another thread or posts work;
    /// true when something did, so the driver pumps again instead of going idle. 20 ms for a simulation
    /// that never used the pool; 2 s for one that did, since a loaded machine can keep a pool thread
    /// that took our item off the queue descheduled for longer than that.
    /// </summary>
    public bool ConfirmQuiet(SimulationSynchronizationContext ready)
    {
        long arrived = Departures;
        int rounds = arrived > 0 ? 2000 : 20;
        for (int i = 0; i < rounds; i++)
        {
            Thread.Sleep(1); // wall time: gives a descheduled pool thread a moment; changes no virtual state
            if (ready.HasReady || Departures != arrived || RunningCount > 0 || simulation.EntryDone)
            {
                return true;
            }
        }

        return false;
    }

    private void ThrowIfStuckLocked(TimeSpan guard)
    {
        long now = Stopwatch.GetTimestamp(); // wall clock: the guard against a pool thread that never returns
        foreach (Runner r in running)
        {
            if (r.Thread != Thread.CurrentThread && r.Blocked == 0 && Stopwatch.GetElapsedTime(r.Since, now) > guard)
            {
                throw new SimulationDeadlockException(
                    $"code of {(r.Host is null ? "the simulation" : "host " + r.Host)} has run on thread {r.Thread.ManagedThreadId} for more than {guard.TotalSeconds:0.#} s of wall time without returning to the simulation, so virtual time is held. "
                    + "It may block on a SimNet task (.Result, .Wait(), GetAwaiter().GetResult() on a thread-pool thread) or on real I/O or a real timer; await instead, or raise Simulation.ThreadPoolGuard for long computations.",
                    simulation.Clock.Elapsed);
            }
        }
    }

    /// <summary>What other threads are doing for the simulation, for a deadlock report; empty when none.</summary>
    public string Describe()
    {
        lock (gate)
        {
            if (running.Count == 0)
            {
                return string.Empty;
            }

            var parts = new List<string>(running.Count);
            foreach (Runner r in running)
            {
                parts.Add($"thread {r.Thread.ManagedThreadId} runs code of {(r.Host is null ? "the simulation" : "host " + r.Host)}{(r.Blocked > 0 ? ", blocked in a SimNet call" : string.Empty)}");
            }

            return string.Join("; ", parts);
        }
    }
}
