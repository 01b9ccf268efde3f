using SimNet.Kernel;

namespace SimNet.Time;

/// <summary>
/// A timer on the simulation's agenda. Its events carry the timer's creation number as their
/// tie-break, so timers due at the same instant fire in creation order, also after rescheduling.
/// </summary>
internal sealed class VirtualTimer : ITimer, IEventHandler
{
    private readonly Simulation simulation;
    private readonly TimerCallback callback;
    private readonly object? state;
    private readonly long creationOrder;
    private long generation;
    private long periodTicks;
    private bool disposed;

    public VirtualTimer(Simulation simulation, TimerCallback callback, object? state)
    {
        this.simulation = simulation;
        this.callback = callback;
        this.state = state;
        creationOrder = simulation.NextCreationOrder();
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

            generation++;
            periodTicks = period == Timeout.InfiniteTimeSpan ? 0 : period.Ticks;
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                simulation.ScheduleOrdered(simulation.Clock.NowTicks + dueTime.Ticks, creationOrder, this, null, generation);
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

    public void OnEvent(object? _, long tag)
    {
        if (disposed || tag != generation)
        {
            return; // superseded by Change or Dispose
        }

        if (periodTicks > 0)
        {
            simulation.ScheduleOrdered(simulation.Clock.NowTicks + periodTicks, creationOrder, this, null, generation);
        }

        callback(state);
    }

    public void Dispose()
    {
        lock (simulation.Gate)
        {
            disposed = true;
            generation++;
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
