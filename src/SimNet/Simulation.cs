using SimNet.Ip;
using SimNet.Kernel;
using SimNet.Time;
using SimNet.Topology;
using SimNet.Tracing;

namespace SimNet;

/// <summary>
/// A whole network in memory: hosts, adapters, segments and routers, one virtual clock, one
/// seeded random source, one agenda of events, and the trace of everything that happened.
/// </summary>
/// <remarks>
/// <para>One logical thread owns the world. Drive it by hand with <see cref="RunUntilIdle"/>,
/// <see cref="RunFor"/> and <see cref="Step"/>, or run async code with <see cref="Run(Func{Task})"/>,
/// which jumps the clock whenever nothing is ready and reports a deadlock instead of hanging.</para>
/// <para>Same seed and same code give the same trace, byte for byte, in any process. Calls from
/// other threads are safe (a lock guards the world) but their interleaving is not deterministic.</para>
/// </remarks>
public sealed partial class Simulation
{
    private readonly EventQueue events = new();
    private readonly List<Host> hosts = new();

    /// <summary>Hosts by name, case-insensitive as host names are; only looked up, never iterated (<see cref="hosts"/> keeps the order).</summary>
    private readonly Dictionary<string, Host> hostsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Segment> segments = new();
    private SimulationWait? firstWait;
    private int waitCount;
    private Thread? driver;
    private int externalWaiters;
    private readonly SimulationSynchronizationContext context;
    private bool running;
    private long runGeneration;
    private Task? entryTask;
    private string? entryHost;

    // Set when code that could have queued thread-pool work ran on the driving thread: the next step
    // first lets that work settle (see OffThreadWork).
    private bool userCodeRan;

    /// <summary>Creates an empty simulation whose every random choice follows from <paramref name="seed"/>.</summary>
    public Simulation(long seed)
        : this(seed, VirtualClock.Epoch)
    {
    }

    /// <summary>Creates an empty simulation whose clock starts at <paramref name="start"/> (as <c>new FakeTimeProvider(start)</c>).</summary>
    public Simulation(long seed, DateTimeOffset start)
    {
        Seed = seed;
        Random = new SimRandom(unchecked((ulong)seed));
        Clock = new VirtualClock(this, start);
        Trace = new Trace();
        context = new SimulationSynchronizationContext(this);
        OffThread = new OffThreadWork(this);
        Trace.OffThreadDepartures = () => OffThread.Departures;
        Trace.OffThreadUnordered = () => OffThread.Unordered;
        Trace.OffThreadOrdered = () => OffThread.Ordered;
    }

    /// <summary>
    /// How long code of this simulation may run on another thread (a thread-pool hop) without returning
    /// before the driver stops waiting for it and reports a <see cref="SimulationDeadlockException"/>.
    /// Virtual time is held while such code runs, so a thread-pool thread blocked on a SimNet task
    /// (<c>.Result</c>) would otherwise hang the test. Wall time; 10 seconds by default.
    /// </summary>
    public TimeSpan ThreadPoolGuard
    {
        get => threadPoolGuard;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            threadPoolGuard = value;
        }
    }

    private TimeSpan threadPoolGuard = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Whether the thread-pool work items this simulation's code queues (<c>Task.Run</c>, a library's
    /// <c>ThreadPool.UnsafeQueueUserWorkItem</c>, continuations the runtime sends to the pool) run one at a
    /// time, in the order they were queued, while the rest of the simulation waits. With it, code that hops
    /// to the thread pool several times at once (Kestrel's connections and HTTP/2 streams, concurrent
    /// <c>Task.Run</c>s) replays exactly. False by default; <c>UseSimNet</c> and <c>SimNetHttp</c> turn it on.
    /// </summary>
    /// <remarks>
    /// It listens to the runtime's thread-pool events (FrameworkEventSource), so while it is on, every
    /// thread-pool item in the process costs an event callback; the listener ends when this property is set
    /// back to false or the simulation is collected. Items the runtime never hands to a pool thread (a queued
    /// task that a waiter runs inline) are given up on after two seconds of wall time and counted in
    /// <see cref="Tracing.Trace.ThreadPoolItemsUnordered"/>; so are items still queued when nobody drives.
    /// Work that is not a thread-pool item (a dedicated thread, a real timer's callback) is waited for but not ordered.
    /// </remarks>
    public bool OrderedThreadPool
    {
        get => OffThread.Ordered;
        set => OffThread.Ordered = value;
    }

    /// <summary>Whether the entry task of the current Run has ended (another thread may end it): the driver stops waiting then.</summary>
    internal bool EntryDone => entryTask is { IsCompleted: true };

    /// <summary>Code of this simulation running away from the driving thread.</summary>
    internal OffThreadWork OffThread { get; }

    /// <summary>The seed every random choice of this simulation follows from.</summary>
    public long Seed { get; }

    /// <summary>The virtual clock; pass it wherever code takes a <see cref="TimeProvider"/>.</summary>
    public VirtualClock Clock { get; }

    /// <summary>The seeded random source (loss draws, ephemeral ports, jitter, SRV weights).</summary>
    public SimRandom Random { get; }

    /// <summary>Every send, copy, forward, delivery and drop, with a stable hash.</summary>
    public Trace Trace { get; }

    /// <summary>The hosts, in the order they were added.</summary>
    public IReadOnlyList<Host> Hosts => hosts;

    /// <summary>The segments, in the order they were added.</summary>
    public IReadOnlyList<Segment> Segments => segments;

    /// <summary>The lock that guards the whole world.</summary>
    internal object Gate { get; } = new();

    internal PacketPool Packets { get; } = new();

    /// <summary>127.0.0.1/8 and ::1/128, shared by every host's loopback adapter (immutable), so a host costs less memory.</summary>
    internal Topology.AdapterAddress[] LoopbackAddresses { get; } = [new(System.Net.IPAddress.Loopback, 8), new(System.Net.IPAddress.IPv6Loopback, 128)];

    /// <summary>
    /// Bumped by every change a route decision depends on (adapters, addresses, routes, adapter up or
    /// down), so sockets can reuse their last decision while it is still true.
    /// </summary>
    internal int TopologyVersion { get; private set; }

    internal void TopologyChanged() => TopologyVersion++;

    internal bool IsDriverThread => driver == Thread.CurrentThread;

    /// <summary>Whether some thread drives the simulation now (read without the lock: a hint).</summary>
    internal bool HasDriver => Volatile.Read(ref driver) is not null;

    /// <summary>Adds a segment: one broadcast domain, like a switch.</summary>
    public Segment AddSegment(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (Gate)
        {
            if (segments.Exists(s => s.Name == name))
            {
                throw new ArgumentException($"A segment named '{name}' already exists.", nameof(name));
            }

            var segment = new Segment(this, name, segments.Count);
            segments.Add(segment);
            return segment;
        }
    }

    /// <summary>Adds a host (an end system that does not forward).</summary>
    public Host AddHost(string name) => AddHost(name, forwards: false);

    /// <summary>Adds a router: a host that forwards packets between its adapters by longest prefix, decrementing TTL.</summary>
    public Host AddRouter(string name) => AddHost(name, forwards: true);

    private Host AddHost(string name, bool forwards)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (Gate)
        {
            if (hostsByName.ContainsKey(name))
            {
                throw new ArgumentException($"A host named '{name}' already exists.", nameof(name));
            }

            var host = new Host(this, name, hosts.Count, forwards);
            hosts.Add(host);
            hostsByName.Add(name, host);
            return host;
        }
    }

    /// <summary>Finds a host by name (case-insensitive, as host names are).</summary>
    public Host? FindHost(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (Gate)
        {
            return hostsByName.GetValueOrDefault(name);
        }
    }

    // ---------------------------------------------------------------- driving

    /// <summary>Runs ready work and due events until there is nothing left to do. A periodic timer keeps a simulation busy forever: use <see cref="RunFor"/> then.</summary>
    public void RunUntilIdle()
    {
        EnterDriver(out bool entered);
        try
        {
            while (PumpOnce(long.MaxValue) && !OnlyHousekeepingLeft)
            {
            }
        }
        finally
        {
            ExitDriver(entered);
        }
    }

    /// <summary>Runs everything due within <paramref name="duration"/> of virtual time, then sets the clock to its end.</summary>
    public void RunFor(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        RunUntilTicks(Clock.NowTicks + duration.Ticks);
    }

    /// <summary>Runs one piece of ready work or the next event. Returns false when there was nothing to run.</summary>
    public bool Step()
    {
        EnterDriver(out bool entered);
        try
        {
            return PumpOnce(long.MaxValue);
        }
        finally
        {
            ExitDriver(entered);
        }
    }

    internal void RunUntilTicks(long target)
    {
        EnterDriver(out bool entered);
        try
        {
            while (PumpOnce(target))
            {
            }

            lock (Gate)
            {
                if (Clock.NowTicks < target)
                {
                    Clock.NowTicks = target;
                }
            }
        }
        finally
        {
            ExitDriver(entered);
        }
    }

    /// <summary>
    /// Runs <paramref name="entry"/> on a single-threaded synchronization context and drives the
    /// simulation until its task ends, jumping the clock whenever nothing is ready.
    /// </summary>
    /// <exception cref="SimulationDeadlockException">The task waits for something nothing scheduled can bring.</exception>
    public void Run(Func<Task> entry) => Run(null, entry);

    /// <summary>Like <see cref="Run(Func{Task})"/>, returning the task's result.</summary>
    public T Run<T>(Func<Task<T>> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        T result = default!;
        Run(null, async () => { result = await entry().ConfigureAwait(true); });
        return result;
    }

    /// <summary>Like <see cref="Run(Host, Func{Task})"/>, returning the task's result.</summary>
    public T Run<T>(Host? host, Func<Task<T>> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        T result = default!;
        Run(host, async () => { result = await entry().ConfigureAwait(true); });
        return result;
    }

    /// <summary>Runs <paramref name="entry"/> as code of <paramref name="host"/> (see <see cref="Host.Current"/>).</summary>
    public void Run(Host? host, Func<Task> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (running)
        {
            throw new InvalidOperationException("Run is already active on this simulation; await the work instead of nesting Run.");
        }

        SynchronizationContext? previous = SynchronizationContext.Current;
        Host? previousHost = Host.Current;
        EnterDriver(out bool entered);
        Simulation? previousMarker = OffThreadWork.Enter(this); // after taking the driver's seat: the driver is not counted as a hop
        running = true;
        runGeneration++;
        Task task;
        try
        {
            Host.SetCurrent(host ?? previousHost);
            entryHost = Host.Current?.Name;

            // Only the entry runs with the simulation's context current, so its awaits come back to it;
            // the loop itself pumps with none, and each item sets what it needs (see the context's remarks).
            SynchronizationContext.SetSynchronizationContext(context);
            try
            {
                task = entry() ?? throw new InvalidOperationException("The entry function returned a null task.");
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(previous);
            }

            entryTask = task;
            userCodeRan = true;
            while (!task.IsCompleted)
            {
                if (!PumpOnce(long.MaxValue) || OnlyHousekeepingLeft)
                {
                    if (task.IsCompleted)
                    {
                        break;
                    }

                    if (OffThread.ConfirmQuiet(context) || task.IsCompleted || HasWork())
                    {
                        continue; // a pool thread was late to start (or ran meanwhile): not a deadlock
                    }

                    throw new SimulationDeadlockException(DescribeDeadlock(null) + HousekeepingNote(), Clock.Elapsed);
                }
            }
        }
        finally
        {
            entryTask = null;
            Host.SetCurrent(previousHost);
            OffThreadWork.Enter(previousMarker);
            running = false;
            ExitDriver(entered);
        }

        task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Blocks the caller until <paramref name="condition"/> holds or virtual time reaches
    /// <paramref name="deadlineTicks"/>. On a thread that may drive, the wait drives the simulation;
    /// on another thread while someone else drives, it sleeps on the lock until woken.
    /// Returns false on timeout; throws <see cref="SimulationDeadlockException"/> when nothing could end it,
    /// with <paramref name="describe"/>'s account of the wait (called only then, so waits allocate nothing).
    /// </summary>
    internal bool WaitUntil<TState>(Func<TState, bool> condition, TState state, long deadlineTicks, Func<TState, string> describe)
    {
        bool entered;
        lock (Gate)
        {
            if (condition(state))
            {
                return true;
            }

            if (driver is not null && driver != Thread.CurrentThread)
            {
                externalWaiters++;
                OffThread.Block();
                try
                {
                    while (!condition(state))
                    {
                        if (Clock.NowTicks >= deadlineTicks)
                        {
                            return false;
                        }

                        if (driver is null)
                        {
                            break; // the driver left: this thread drives from here
                        }

                        Monitor.Wait(Gate);
                    }

                    if (condition(state))
                    {
                        return true;
                    }
                }
                finally
                {
                    OffThread.Unblock();
                    externalWaiters--;
                }
            }

            if (Clock.NowTicks >= deadlineTicks)
            {
                return false;
            }

            // Take the driver's seat in this same lock (EnterDriver's work): it is free, or this thread
            // already drives (a nested wait). While this thread drives, only its own pumping changes
            // the condition, so the loop pumps first and then looks: one lock per step.
            entered = driver is null;
            driver = Thread.CurrentThread;
        }

        return DriveUntil(condition, state, deadlineTicks, describe, entered);
    }

    /// <summary>
    /// For a caller that holds <see cref="Gate"/> and has just seen its condition false: takes the
    /// driver's seat in that same lock when it is free (or already this thread's) and the deadline is
    /// ahead, so <see cref="DriveUntil"/> can follow without <see cref="WaitUntil"/>'s own first lock.
    /// False: another thread drives or time is up; call <see cref="WaitUntil"/> instead.
    /// </summary>
    internal bool TryTakeDriverSeatLocked(long deadlineTicks, out bool entered)
    {
        entered = false;
        if (Clock.NowTicks >= deadlineTicks)
        {
            return false;
        }

        if (driver is null)
        {
            driver = Thread.CurrentThread;
            entered = true;
            return true;
        }

        return driver == Thread.CurrentThread;
    }

    /// <summary>
    /// The driving half of <see cref="WaitUntil"/>: this thread holds the driver's seat (taken now when
    /// <paramref name="entered"/>, else already) and the condition was false; pumps until it holds.
    /// </summary>
    internal bool DriveUntil<TState>(Func<TState, bool> condition, TState state, long deadlineTicks, Func<TState, string> describe, bool entered)
        where TState : allows ref struct
    {
        try
        {
            while (true)
            {
                // PumpOnce, with the condition looked at in the same lock as the event ran in.
                bool ranCallback = RunReadyOrSettle();
                lock (Gate)
                {
                    bool pumped = ranCallback || RunNextEventLocked(deadlineTicks);
                    if (condition(state))
                    {
                        ReleaseDriverLocked(ref entered); // spare ExitDriver its own lock on the hot path
                        return true;
                    }

                    if (pumped && !(deadlineTicks == long.MaxValue && OnlyHousekeepingLeft))
                    {
                        if (Clock.NowTicks >= deadlineTicks)
                        {
                            return false;
                        }

                        continue;
                    }

                    if (deadlineTicks != long.MaxValue)
                    {
                        Clock.NowTicks = Math.Max(Clock.NowTicks, deadlineTicks);
                        return false;
                    }
                }

                if (SettleBeforeIdle() || OffThread.ConfirmQuiet(context) || HasWork())
                {
                    continue;
                }

                throw new SimulationDeadlockException(DescribeDeadlock(describe(state)) + HousekeepingNote(), Clock.Elapsed);
            }
        }
        finally
        {
            ExitDriver(entered);
        }
    }

    /// <summary>Gives up the driver's seat while already holding <see cref="Gate"/>; afterwards <paramref name="entered"/> is false.</summary>
    private void ReleaseDriverLocked(ref bool entered)
    {
        if (!entered)
        {
            return;
        }

        entered = false;
        driver = null;
        if (externalWaiters > 0)
        {
            Monitor.PulseAll(Gate);
        }
    }

    private void EnterDriver(out bool entered)
    {
        lock (Gate)
        {
            if (driver == Thread.CurrentThread)
            {
                entered = false;
                return;
            }

            if (driver is not null)
            {
                OffThread.Block();
                try
                {
                    while (driver is not null)
                    {
                        externalWaiters++;
                        Monitor.Wait(Gate);
                        externalWaiters--;
                    }
                }
                finally
                {
                    OffThread.Unblock();
                }
            }

            driver = Thread.CurrentThread;
            entered = true;
        }
    }

    private void ExitDriver(bool entered)
    {
        if (!entered)
        {
            return;
        }

        lock (Gate)
        {
            driver = null;
            if (externalWaiters > 0)
            {
                Monitor.PulseAll(Gate);
            }
        }
    }

    /// <summary>Runs one ready callback, else the next event due at or before <paramref name="limitTicks"/>.</summary>
    private bool PumpOnce(long limitTicks)
    {
        if (RunReadyOrSettle())
        {
            return true;
        }

        lock (Gate)
        {
            if (RunNextEventLocked(limitTicks))
            {
                return true;
            }
        }

        return SettleBeforeIdle();
    }

    /// <summary>
    /// Runs one ready item. When none is ready and code that ran on this thread may have left work on
    /// the thread pool (or such work is running), first waits for it to settle, so no event runs, and
    /// no time passes, while code of the simulation is still busy elsewhere.
    /// </summary>
    private bool RunReadyOrSettle()
    {
        // Ordered thread-pool work: what the last piece of code queued on the pool runs, in queue order,
        // before the next piece runs here.
        if (OffThread.Ordered && (OffThread.QueuedCount > 0 || OffThread.RunningCount > 0))
        {
            OffThread.Settle(context, threadPoolGuard, static sim => sim.PatienceForNextStep());
        }

        if (context.TryRunOne())
        {
            userCodeRan = true;
            return true;
        }

        if (userCodeRan || OffThread.RunningCount > 0)
        {
            userCodeRan = false;
            OffThread.Settle(context, threadPoolGuard, static sim => sim.PatienceForNextStep());
            if (context.TryRunOne())
            {
                userCodeRan = true;
                return true;
            }
        }

        return false;
    }

    /// <summary>How long to wait for queued pool work: longer when the next step moves the clock.</summary>
    private TimeSpan PatienceForNextStep()
    {
        lock (Gate)
        {
            return !events.TryPeekDue(out long due) || due > Clock.NowTicks ? OffThreadWork.AdvancePatience : OffThreadWork.SameInstantPatience;
        }
    }

    /// <summary>Nothing ready and no event: one last settle, in case thread-pool work is about to post. True when something became ready.</summary>
    private bool SettleBeforeIdle()
    {
        OffThread.Settle(context, threadPoolGuard, static _ => OffThreadWork.AdvancePatience);
        if (context.HasReady)
        {
            return true;
        }

        // A pool thread that took our item off the queue but was descheduled before it started shows
        // neither as queued nor as running. Where this simulation has used the pool, give such a
        // thread a moment (wall time, only on the way to idle) to show up; a deadlock report always
        // waits that moment first (Run, DriveUntil).
        return OffThread.Departures > 0 && (OffThread.ConfirmQuiet(context) || HasWork());
    }

    /// <summary>Whether anything is ready, on the agenda, or running elsewhere: work another thread may have added since the last look.</summary>
    private bool HasWork()
    {
        if (context.HasReady || OffThread.RunningCount > 0)
        {
            return true;
        }

        lock (Gate)
        {
            return events.Count > 0 && !OnlyHousekeepingLeft;
        }
    }

    /// <summary>Runs the next event due at or before <paramref name="limitTicks"/>, holding <see cref="Gate"/>. False when there is none.</summary>
    private bool RunNextEventLocked(long limitTicks)
    {
        if (!events.TryDequeue(limitTicks, out EventQueue.Entry entry, out long due))
        {
            return false;
        }

        if (due > Clock.NowTicks)
        {
            Clock.NowTicks = due;
        }

        // The two kinds nearly every event is, called without the interface: a call site that sees several
        // handler types goes through the runtime's resolve stub (about 4 % of a heartbeat-heavy run).
        switch (entry.Handler)
        {
            case NetworkAdapter adapter:
                adapter.Arrive((Packet)entry.State!);
                break;
            case TimerEntry timer:
                timer.OnEvent(entry.State, entry.Tag);
                break;
            default:
                entry.Handler.OnEvent(entry.State, entry.Tag);
                break;
        }

        if (externalWaiters > 0)
        {
            Monitor.PulseAll(Gate);
        }

        return true;
    }

    /// <summary>
    /// Starts <paramref name="work"/> on the simulation's synchronization context, as code of
    /// <paramref name="host"/>; it runs whenever the simulation is driven (by Run, RunUntilIdle,
    /// RunFor, Step or a blocking socket call), first-in first-out with other ready work.
    /// </summary>
    /// <returns>The task of the work, which completes as the simulation runs.</returns>
    public Task Spawn(Host? host, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        // Continuations run synchronously where the work ends: on the simulation thread, in its context.
        // RunContinuationsAsynchronously would send non-await continuations (Task.WhenAll, ContinueWith)
        // to the thread pool, where they race the deadlock check and leave the deterministic world.
        var done = new TaskCompletionSource();
        context.Post(_ => StartOnContext(host, work, done), null);
        return done.Task;
    }

    private void StartOnContext(Host? host, Func<Task> work, TaskCompletionSource done)
    {
        SynchronizationContext? previous = SynchronizationContext.Current;
        Host? previousHost = Host.Current;
        Simulation? previousMarker = OffThreadWork.Enter(this);
        try
        {
            SynchronizationContext.SetSynchronizationContext(context);
            Host.SetCurrent(host);
            Task task = work();

            // The spawned task's end is published as a completion, like any other SimNet completion,
            // so an awaiter's ConfigureAwait(false) continuation stays on the driving thread.
            task.ContinueWith(
                static (t, state) =>
                {
                    var (sim, tcs) = ((Simulation, TaskCompletionSource))state!;
                    sim.PostCompletion(static s => PublishEnd(((Task, TaskCompletionSource))s!), (t, tcs));
                },
                (this, done),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        catch (Exception e)
        {
            done.TrySetException(e);
        }
        finally
        {
            OffThreadWork.Enter(previousMarker);
            Host.SetCurrent(previousHost);
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private static void PublishEnd((Task Work, TaskCompletionSource Done) end)
    {
        if (end.Work.IsFaulted)
        {
            end.Done.TrySetException(end.Work.Exception!.InnerExceptions);
        }
        else if (end.Work.IsCanceled)
        {
            end.Done.TrySetCanceled();
        }
        else
        {
            end.Done.TrySetResult();
        }
    }

    /// <summary>The context work of this simulation is posted to.</summary>
    internal SynchronizationContext Context => context;

    /// <summary>
    /// Queues a completion: <paramref name="callback"/> runs next on the driving thread, first-in
    /// first-out with posted work, outside the world's lock and with no synchronization context
    /// current, so continuations it triggers run inline there when they asked for no context
    /// (<c>ConfigureAwait(false)</c>) and are posted back to the simulation's context when they captured it.
    /// </summary>
    internal void PostCompletion(SendOrPostCallback callback, object? state) => context.PostCompletion(callback, state);

    internal void SetTimer(TimerEntry timer, long dueTicks) => events.SetTimer(timer, dueTicks);

    /// <summary>How many events and armed timers are on the agenda (for tests).</summary>
    internal int AgendaCount
    {
        get
        {
            lock (Gate)
            {
                return events.Count;
            }
        }
    }

    internal void CancelTimer(TimerEntry timer) => events.CancelTimer(timer);

    internal void WakeDriver()
    {
        lock (Gate)
        {
            if (externalWaiters > 0)
            {
                Monitor.PulseAll(Gate);
            }
        }
    }

    // ---------------------------------------------------------------- scheduling

    internal void Schedule(long delayTicks, IEventHandler handler, object? state, long tag) =>
        events.Schedule(Clock.NowTicks + delayTicks, handler, state, tag);

    /// <summary>
    /// Nothing but housekeeping timers (<see cref="TimerEntry.Housekeeper"/>: a zero-window probe the
    /// peer keeps answering) are scheduled and no work is posted: nothing can change any more, so waits
    /// without a deadline are deadlocks and <see cref="RunUntilIdle"/> is done, where Linux would block forever.
    /// </summary>
    private bool OnlyHousekeepingLeft => events.OnlyHousekeeping && !context.HasReady && events.HousekeepingIsFutile();

    internal void ScheduleOrdered(long dueTicks, long sequence, IEventHandler handler, object? state, long tag) =>
        events.ScheduleWithSequence(dueTicks, sequence, handler, state, tag);

    internal long NextCreationOrder() => events.NextSequence();

    internal void ScheduleDelivery(long delayTicks, NetworkAdapter to, Packet packet) =>
        events.Schedule(Clock.NowTicks + delayTicks, to, packet, 0);

    /// <summary>Schedules <paramref name="action"/> after <paramref name="delay"/> of virtual time, on the simulation's thread.</summary>
    public void Schedule(TimeSpan delay, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        lock (Gate)
        {
            events.Schedule(Clock.NowTicks + delay.Ticks, actionHandler ??= new ActionHandler(this), action, 0);
        }
    }

    private ActionHandler? actionHandler;

    private sealed class ActionHandler(Simulation simulation) : IEventHandler
    {
        // A scheduled action is user code (a fault script): it runs as a completion, outside the lock.
        public void OnEvent(object? state, long tag) => simulation.PostCompletion(static a => ((Action)a!)(), state);
    }

    // ---------------------------------------------------------------- waits, for deadlock reports

    /// <summary>Registers a pending wait for deadlock reports. O(1); the caller holds nothing else of the registry.</summary>
    internal void AddWait(SimulationWait wait)
    {
        lock (Gate)
        {
            if (wait.IsRegistered)
            {
                return;
            }

            wait.IsRegistered = true;
            wait.RunGeneration = running ? runGeneration : 0;
            wait.PreviousWait = null;
            wait.NextWait = firstWait;
            if (firstWait is not null)
            {
                firstWait.PreviousWait = wait;
            }

            firstWait = wait;
            waitCount++;
        }
    }

    /// <summary>Unregisters a wait that finished (or never started); O(1), harmless when not registered.</summary>
    internal void RemoveWait(SimulationWait wait)
    {
        lock (Gate)
        {
            if (!wait.IsRegistered)
            {
                return;
            }

            wait.IsRegistered = false;
            if (wait.PreviousWait is null)
            {
                firstWait = wait.NextWait;
            }
            else
            {
                wait.PreviousWait.NextWait = wait.NextWait;
            }

            if (wait.NextWait is not null)
            {
                wait.NextWait.PreviousWait = wait.PreviousWait;
            }

            wait.PreviousWait = null;
            wait.NextWait = null;
            waitCount--;
        }
    }

    /// <summary>How many waits are registered (for tests).</summary>
    internal int WaitCount
    {
        get
        {
            lock (Gate)
            {
                return waitCount;
            }
        }
    }

    private string HousekeepingNote() => events.OnlyHousekeeping
        ? " (only zero-window probes remain: the peer keeps its window shut and never reads, where Linux would block forever)"
        : string.Empty;

    /// <summary>
    /// The report for a deadlock: the wait that found it (a blocking call), the entry task of the
    /// current <see cref="Run(Func{Task})"/> with the chain of awaits it is stuck in, every other
    /// pending wait in registration order, and what other threads are doing. Waits registered in an
    /// earlier <c>Run</c> on this simulation are counted but not listed: their code is not this run's.
    /// </summary>
    private string DescribeDeadlock(string? blockingCall)
    {
        var waitsNow = new List<SimulationWait>();
        int earlier = 0;
        lock (Gate)
        {
            for (SimulationWait? w = firstWait; w is not null; w = w.NextWait)
            {
                if (running && w.RunGeneration != 0 && w.RunGeneration != runGeneration)
                {
                    earlier++;
                }
                else
                {
                    waitsNow.Add(w);
                }
            }
        }

        waitsNow.Reverse(); // registration order
        var lines = new List<string>();
        if (blockingCall is not null)
        {
            lines.Add("the blocking call: " + blockingCall);
        }

        if (entryTask is { IsCompleted: false } entry)
        {
            lines.Add($"the entry task of Run{(entryHost is null ? string.Empty : $" on host {entryHost}")}: " + AsyncStack.Describe(entry, waitsNow));
        }

        foreach (SimulationWait w in waitsNow)
        {
            lines.Add(w.DescribeWait());
        }

        string others = OffThread.Describe();
        if (others.Length > 0)
        {
            lines.Add("on other threads: " + others);
        }

        if (earlier > 0)
        {
            lines.Add($"({earlier} wait(s) registered by an earlier Run on this simulation are not listed)");
        }

        if (lines.Count == 0)
        {
            lines.Add("nothing SimNet knows of: the code waits for something outside the simulation (a real Task.Delay or timer without sim.Clock, real I/O, or a TaskCompletionSource nobody completes)");
        }

        return string.Join(Environment.NewLine + "  - ", lines);
    }

    // ---------------------------------------------------------------- trace helpers

    internal void Record(TraceKind kind, Packet p, Host host, NetworkAdapter? adapter, long parent = 0, DropReason reason = DropReason.None, int receivers = 0)
    {
        if (!Trace.NeedsEvents)
        {
            // Nobody keeps or watches events (KeepEvents off): count and hash without building one.
            Trace.Account(kind, reason, Clock.NowTicks, p.Id, parent, p.Protocol, host.Index, p.Source, p.SourcePort, p.Destination, p.DestinationPort, p.Length, receivers);
            return;
        }

        Trace.Record(
            new TraceEvent(Clock.Elapsed, kind, p.Id, parent, reason, p.Protocol, host.Name, adapter?.Name, p.Source, p.SourcePort, p.Destination, p.DestinationPort, p.Length, receivers),
            host.Index);
    }

    /// <summary>Terminal: records why and recycles the packet.</summary>
    internal void Drop(Packet p, Host host, NetworkAdapter? adapter, DropReason reason)
    {
        Record(TraceKind.Drop, p, host, adapter, reason: reason);
        Packets.Return(p);
    }

    /// <summary>Terminal: records that the packet reached <paramref name="receivers"/> endpoints; ownership has moved to them.</summary>
    internal void Deliver(Packet p, Host host, int receivers) =>
        Record(TraceKind.Deliver, p, host, p.ArrivedOn, receivers: receivers);

    internal Packet CopyPacket(Packet p, Host host, NetworkAdapter? adapter)
    {
        Packet copy = Packets.Clone(p);
        Record(TraceKind.Copy, copy, host, adapter, parent: p.Id);
        return copy;
    }
}
