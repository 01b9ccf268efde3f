namespace SimNet.Kernel;

/// <summary>
/// The single-threaded context that <see cref="Simulation.Run(Func{Task})"/> installs: posted work
/// runs first-in first-out on the thread that drives the simulation, interleaved with events.
/// </summary>
internal sealed class SimulationSynchronizationContext : SynchronizationContext
{
    private readonly Simulation simulation;
    private readonly Queue<(SendOrPostCallback Callback, object? State)> ready = new();

    // ready.Count, readable without the lock: the driver asks "anything posted?" on every step,
    // and the answer is almost always no. A post racing with the look is seen on the next step.
    private int readyCount;

    public SimulationSynchronizationContext(Simulation simulation) => this.simulation = simulation;

    public int ReadyCount
    {
        get
        {
            lock (ready)
            {
                return ready.Count;
            }
        }
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (ready)
        {
            ready.Enqueue((d, state));
            Volatile.Write(ref readyCount, ready.Count);
        }

        simulation.WakeDriver();
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
        if (Volatile.Read(ref readyCount) == 0)
        {
            return false;
        }

        (SendOrPostCallback Callback, object? State) item;
        lock (ready)
        {
            if (!ready.TryDequeue(out item))
            {
                return false;
            }

            Volatile.Write(ref readyCount, ready.Count);
        }

        // Posted work runs with this context current, so its own awaits come back here too,
        // whichever public driver (Run, RunUntilIdle, a blocking socket call) is pumping.
        SynchronizationContext? previous = Current;
        SetSynchronizationContext(this);
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
