namespace SimNet.Faults;

/// <summary>
/// One host's view of the simulation clock: off by <see cref="Skew"/> and running <see cref="Drift"/>
/// fast or slow. Its timers are scheduled on the simulation's agenda at the matching virtual time.
/// </summary>
/// <remarks>
/// With zero skew and drift it reads the same as <see cref="Simulation.Clock"/>. Changing <see cref="Drift"/>
/// bends the clock from now on without a jump; changing <see cref="Skew"/> steps it (like an NTP step).
/// Timers take the drift in force when they are set or changed.
/// </remarks>
public sealed class HostClock : TimeProvider
{
    private readonly Simulation simulation;
    private long skewTicks;
    private double drift;
    private long anchorSimTicks;
    private long anchorLocalTicks;

    internal HostClock(Simulation simulation) => this.simulation = simulation;

    /// <summary>How far the host's clock is ahead of the simulation's (negative: behind).</summary>
    public TimeSpan Skew
    {
        get => TimeSpan.FromTicks(skewTicks);
        set
        {
            lock (simulation.Gate)
            {
                skewTicks = value.Ticks;
            }
        }
    }

    /// <summary>Relative rate error: 0.0001 runs 100 ppm fast (gains 0.36 s an hour), −0.0001 as slow. Must be in (−1, 1).</summary>
    public double Drift
    {
        get => drift;
        set
        {
            if (!(value > -1 && value < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Drift must be in (-1, 1).");
            }

            lock (simulation.Gate)
            {
                anchorLocalTicks = DriftedTicks(simulation.Clock.NowTicks);
                anchorSimTicks = simulation.Clock.NowTicks;
                drift = value;
            }
        }
    }

    /// <summary>Time the host believes has passed since the simulation started.</summary>
    public TimeSpan Elapsed
    {
        get
        {
            lock (simulation.Gate)
            {
                return TimeSpan.FromTicks(LocalTicks);
            }
        }
    }

    private long LocalTicks => skewTicks + DriftedTicks(simulation.Clock.NowTicks);

    private long DriftedTicks(long simTicks) => anchorLocalTicks + (long)((simTicks - anchorSimTicks) * (1 + drift));

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (simulation.Gate)
        {
            return simulation.Clock.Start.AddTicks(LocalTicks);
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (simulation.Gate)
        {
            return LocalTicks;
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return new DriftingTimer(this, simulation.Clock.CreateTimer(callback, state, ToSimulation(dueTime), ToSimulation(period)));
    }

    /// <summary>A span of host time as simulation time: a fast clock's second passes sooner.</summary>
    private TimeSpan ToSimulation(TimeSpan local) =>
        local == Timeout.InfiniteTimeSpan || local <= TimeSpan.Zero ? local : TimeSpan.FromTicks((long)Math.Ceiling(local.Ticks / (1 + drift)));

    /// <inheritdoc />
    public override string ToString() => GetUtcNow().ToString("O", global::System.Globalization.CultureInfo.InvariantCulture);

    private sealed class DriftingTimer(HostClock clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => inner.Change(clock.ToSimulation(dueTime), clock.ToSimulation(period));

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
