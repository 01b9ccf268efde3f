using SimNet.Kernel;

namespace SimNet.Time;

/// <summary>
/// The simulation's clock: a <see cref="TimeProvider"/> that only moves when the simulation runs.
/// Its testing members (<see cref="Advance"/>, <see cref="SetUtcNow"/>, <see cref="AutoAdvanceAmount"/>)
/// match <c>Microsoft.Extensions.Time.Testing.FakeTimeProvider</c>, which cannot be restored here.
/// </summary>
/// <remarks>
/// Unlike <c>FakeTimeProvider</c>, advancing this clock also delivers every packet and fires every
/// timer that falls due on the way, in (due time, creation order): time and the network are one
/// agenda, so a timer and a datagram due at the same instant run in a fixed order in every process.
/// </remarks>
public sealed class VirtualClock : TimeProvider
{
    /// <summary>Where every simulation's clock starts: 2000-01-01T00:00:00Z, as FakeTimeProvider does.</summary>
    public static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Simulation simulation;
    private long autoAdvanceTicks;

    internal VirtualClock(Simulation simulation, DateTimeOffset start)
    {
        this.simulation = simulation;
        Start = start;
    }

    /// <summary>The instant the simulation started at.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Virtual time elapsed since <see cref="Start"/>, in ticks.</summary>
    internal long NowTicks { get; set; }

    /// <summary>Virtual time elapsed since the simulation started.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(NowTicks);

    /// <summary>How far the clock moves each time <see cref="GetUtcNow"/> is read (zero by default), as in FakeTimeProvider.</summary>
    public TimeSpan AutoAdvanceAmount
    {
        get => TimeSpan.FromTicks(autoAdvanceTicks);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            autoAdvanceTicks = value.Ticks;
        }
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (simulation.Gate)
        {
            DateTimeOffset now = Start.AddTicks(NowTicks);
            if (autoAdvanceTicks > 0)
            {
                simulation.RunUntilTicks(NowTicks + autoAdvanceTicks);
            }

            return now;
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp() => NowTicks;

    /// <summary>
    /// Moves time forward by <paramref name="delta"/>, firing timers and delivering packets that fall due on the way.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delta"/> is negative: time never goes backwards.</exception>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        simulation.RunFor(delta);
    }

    /// <summary>Moves time forward to <paramref name="value"/>, running everything due before it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is earlier than now.</exception>
    public void SetUtcNow(DateTimeOffset value)
    {
        lock (simulation.Gate)
        {
            DateTimeOffset now = Start.AddTicks(NowTicks);
            if (value < now)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Cannot go back in time: the clock reads {now:O}.");
            }

            simulation.RunUntilTicks((value - Start).Ticks);
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(simulation, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <inheritdoc />
    public override string ToString() => Start.AddTicks(NowTicks).ToString("O", global::System.Globalization.CultureInfo.InvariantCulture);
}
