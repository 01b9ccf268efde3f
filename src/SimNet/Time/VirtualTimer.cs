using SimNet.Kernel;

namespace SimNet.Time;

/// <summary>
/// A timer on the simulation's agenda. It keeps one slot there: <see cref="Change"/> moves it and
/// <see cref="Dispose"/> frees it, so a cancelled timer never moves the clock and re-arming leaves
/// nothing behind. Its creation number is the tie-break, so timers due at the same instant fire in
/// creation order, also after rescheduling.
/// </summary>
/// <remarks>
/// The callback does not run inside the event: the event posts it as a completion, which the
/// driving thread runs next, outside the world's lock and with no synchronization context current,
/// under the execution context captured when the timer was created (as real timers do). Code
/// continuing from the callback (a <c>Task.Delay(t, sim.Clock)</c>, a <c>CancellationTokenSource</c>
/// with the clock) then runs inline on the driving thread, <c>ConfigureAwait(false)</c> or not.
/// </remarks>
internal sealed class VirtualTimer : TimerEntry, ITimer
{
    private readonly Simulation simulation;
    private readonly TimerCallback callback;
    private readonly object? state;
    private readonly ExecutionContext? executionContext;
    private bool disposed;

    public VirtualTimer(Simulation simulation, TimerCallback callback, object? state)
    {
        this.simulation = simulation;
        this.callback = callback;
        this.state = state;
        executionContext = ExecutionContext.Capture();
        Sequence = simulation.NextCreationOrder();
    }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        ValidateSpan(dueTime, nameof(dueTime));
        ValidateSpan(period, nameof(period));
        lock (simulation.Gate)
        {
            if (disposed)
            {
                return false;
            }

            PeriodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                simulation.CancelTimer(this);
            }
            else
            {
                simulation.SetTimer(this, simulation.Clock.NowTicks + dueTime.Ticks);
            }

            return true;
        }
    }

    private static void ValidateSpan(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, "The time must be zero or more, or Timeout.InfiniteTimeSpan.");
        }
    }

    /// <summary>Due: runs under the world's lock, so it only posts the callback (a periodic timer is re-armed by the agenda as it falls due).</summary>
    public override void OnEvent(object? _, long tag)
    {
        simulation.PostCompletion(static s => ((VirtualTimer)s!).Fire(), this);
    }

    private void Fire()
    {
        if (Volatile.Read(ref disposed))
        {
            return; // disposed between falling due and its turn: as a cancelled timer, it stays silent
        }

        if (executionContext is null)
        {
            callback(state);
        }
        else if (ReferenceEquals(executionContext, ExecutionContext.Capture()))
        {
            // Already under the captured context (timers made on the driving thread): ExecutionContext.Run
            // would change nothing on the way in; on the way out, undo what the callback changed, as it would.
            try
            {
                callback(state);
            }
            finally
            {
                if (!ReferenceEquals(executionContext, ExecutionContext.Capture()))
                {
                    ExecutionContext.Restore(executionContext);
                }
            }
        }
        else
        {
            ExecutionContext.Run(executionContext, static s => { var t = (VirtualTimer)s!; t.callback(t.state); }, this);
        }
    }

    public void Dispose()
    {
        lock (simulation.Gate)
        {
            disposed = true;
            simulation.CancelTimer(this);
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
