using System.Collections.Concurrent;

namespace SimNet.Kernel;

/// <summary>
/// The simulation's one queue of ready work, and the synchronization context that code run by
/// <see cref="Simulation.Run(Func{Task})"/> and <see cref="Simulation.Spawn"/> captures. Items run
/// first-in first-out on the thread that drives the simulation, interleaved with events.
/// </summary>
/// <remarks>
/// <para>Two kinds of item share the queue, so their order is one order in every process:</para>
/// <list type="bullet">
/// <item><b>Posted work</b> (<see cref="Post"/>): continuations that captured this context. They run
/// with this context current, so their own awaits come back here.</item>
/// <item><b>Completions</b> (<see cref="PostCompletion"/>): SimNet finishing an operation (a datagram
/// for a pending receive, a timer falling due, a TCP wait done). They run with <em>no</em> context
/// current, outside the world's lock. The runtime runs a <c>ConfigureAwait(false)</c> continuation
/// inline only where no context (and no custom scheduler) is current; anywhere else it queues it to
/// the thread pool, out of the simulation. Completing with no context keeps those continuations on
/// the driving thread, in order, while continuations that captured this context are posted back to
/// it by the runtime itself.</item>
/// </list>
/// </remarks>
internal sealed class SimulationSynchronizationContext : SynchronizationContext
{
    private readonly Simulation simulation;

    // Lock-free (a ConcurrentQueue is linearizable: one first-in first-out order over every thread that
    // posts): the driver posts and takes an item per timer, completion and continuation, and a lock round
    // trip for each cost more than the queue's two interlocked operations.
    private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State, bool InContext)> ready = new();

    public SimulationSynchronizationContext(Simulation simulation) => this.simulation = simulation;

    /// <summary>Whether an item is ready (a post racing with the look is seen on the next step).</summary>
    public bool HasReady => !ready.IsEmpty;

    public override void Post(SendOrPostCallback d, object? state) => Enqueue(d, state, inContext: true);

    /// <summary>Queues a completion: it runs on the driving thread with no synchronization context current.</summary>
    public void PostCompletion(SendOrPostCallback d, object? state) => Enqueue(d, state, inContext: false);

    private void Enqueue(SendOrPostCallback d, object? state, bool inContext)
    {
        ready.Enqueue((d, state, inContext));
        if (!simulation.IsDriverThread)
        {
            simulation.WakeDriver();
        }
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        // Synchronous sends from the simulation's own thread run inline; from elsewhere they are
        // not supported, because waiting for the driver from another thread would invert the model.
        if (simulation.IsDriverThread)
        {
            d(state);
            return;
        }

        throw new NotSupportedException("Send to the simulation context from another thread is not supported; use Post.");
    }

    public override SynchronizationContext CreateCopy() => this;

    public bool TryRunOne()
    {
        if (!ready.TryDequeue(out (SendOrPostCallback Callback, object? State, bool InContext) item))
        {
            return false;
        }

        SynchronizationContext? previous = Current;
        SetSynchronizationContext(item.InContext ? this : null);
        try
        {
            item.Callback(item.State);
        }
        finally
        {
            SetSynchronizationContext(previous);
        }

        return true;
    }
}
