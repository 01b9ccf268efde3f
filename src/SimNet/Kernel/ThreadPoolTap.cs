using System.Diagnostics.Tracing;

namespace SimNet.Kernel;

/// <summary>
/// Listens to the runtime's own thread-pool events (FrameworkEventSource's ThreadPoolEnqueueWork and
/// ThreadPoolDequeueWork, which the runtime raises synchronously on the queuing and on the dequeuing
/// thread, naming the work item by its hash code) and hands them to one simulation's
/// <see cref="OffThreadWork"/>, which orders the simulation's work items.
/// </summary>
/// <remarks>
/// An event listener is registered process-wide until disposed. The tap holds its simulation weakly, so
/// a simulation nobody references is collected; the tap then disposes itself at its next event.
/// Every live tap sees every thread-pool item of the process, so taps exist only for simulations
/// that asked for ordered thread-pool work (<see cref="Simulation.OrderedThreadPool"/>).
/// </remarks>
internal sealed class ThreadPoolTap : EventListener
{
    private const string FrameworkEventSourceName = "System.Diagnostics.Eventing.FrameworkEventSource";
    private const int EnqueueEventId = 30;
    private const int DequeueEventId = 31;
    private const EventKeywords ThreadPoolKeywords = (EventKeywords)0x12; // ThreadPool | ThreadTransfer

    // Set after the base constructor, which already announces existing sources; those are enabled then
    // (enabling does not need the owner), and events arriving before the owner is set are not ours.
    private WeakReference<OffThreadWork>? owner;

    public ThreadPoolTap(OffThreadWork owner) => this.owner = new WeakReference<OffThreadWork>(owner);

    private long probeId;
    private int probeSeen;

    /// <summary>
    /// Returns once the runtime reports thread-pool items to this listener. The pool notices that logging was
    /// turned on only after a while, so until then items would run unordered: queue probe items until one is
    /// reported (bounded: 200 probes, 2 s).
    /// </summary>
    public void WaitUntilListening()
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp(); // wall clock: bounds the wait; never reaches the simulation
        for (int i = 0; i < 200 && Volatile.Read(ref probeSeen) == 0; i++)
        {
            var probe = new Probe();
            Interlocked.Exchange(ref probeId, probe.GetHashCode()); // the identity hash the runtime names the item by: matched, never ordered
            ThreadPool.UnsafeQueueUserWorkItem(probe, preferLocal: false);
            if (System.Diagnostics.Stopwatch.GetElapsedTime(start) > TimeSpan.FromSeconds(2))
            {
                break;
            }

            Thread.Sleep(i < 10 ? 0 : 1);
        }
    }

    private sealed class Probe : IThreadPoolWorkItem
    {
        public void Execute()
        {
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == FrameworkEventSourceName)
        {
            EnableEvents(eventSource, EventLevel.Verbose, ThreadPoolKeywords);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId is not (EnqueueEventId or DequeueEventId) || eventData.Payload is not { Count: > 0 } payload || payload[0] is not long id)
        {
            return;
        }

        if (id == Interlocked.Read(ref probeId))
        {
            Volatile.Write(ref probeSeen, 1);
            return;
        }

        if (owner is null)
        {
            return;
        }

        if (!owner.TryGetTarget(out OffThreadWork? work))
        {
            // Not from inside the runtime's dispatch to this listener: from a pool thread, later.
            owner = null;
            ThreadPool.UnsafeQueueUserWorkItem(static tap => tap.Dispose(), this, preferLocal: false);
            return;
        }

        if (eventData.EventId == EnqueueEventId)
        {
            work.OnEnqueued(id);
        }
        else
        {
            work.OnDequeued(id);
        }
    }
}
