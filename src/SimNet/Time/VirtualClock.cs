using SimNet.Kernel;

namespace SimNet.Time;

/// <summary>
/// The simulation's clock: a <see cref="TimeProvider"/> that only moves when the simulation runs.
/// Its testing members (<see cref="Start"/>, <see cref="Advance"/>, <see cref="SetUtcNow"/>, <see cref="AdjustTime"/>,
/// <see cref="AutoAdvanceAmount"/>, <see cref="SetLocalTimeZone"/>, <see cref="GetTimestamp"/>) behave as
/// <c>Microsoft.Extensions.Time.Testing.FakeTimeProvider</c>'s do (checked side by side against the real package).
/// </summary>
/// <remarks>
/// <para>One difference on purpose: advancing this clock also delivers every packet and fires every timer that falls
/// due on the way, in (due time, creation order), and a timer callback reads <b>its own due time</b> from
/// <see cref="GetUtcNow"/>, as it would on a real clock. <c>FakeTimeProvider</c> runs every due callback at the
/// <b>end</b> of the advance. Time and the network are one agenda here: a callback that sends a packet sends it at
/// its due time, so a timer and a datagram due at the same instant run in a fixed order in every process.</para>
/// <para>Start the clock elsewhere with <see cref="Simulation(long, DateTimeOffset)"/>.</para>
/// </remarks>
public sealed class VirtualClock : TimeProvider
{
    /// <summary>Where every simulation's clock starts: 2000-01-01T00:00:00Z, as FakeTimeProvider does.</summary>
    public static readonly DateTimeOffset Epoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly Simulation simulation;
    private long autoAdvanceTicks;
    private long adjustTicks;
    private TimeZoneInfo localTimeZone = TimeZoneInfo.Utc;

    internal VirtualClock(Simulation simulation, DateTimeOffset start)
    {
        this.simulation = simulation;
        Start = start;
    }

    /// <summary>The instant the simulation started at (<see cref="Epoch"/> unless chosen), as <c>FakeTimeProvider.Start</c>.</summary>
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

    /// <summary>The local time zone: UTC until <see cref="SetLocalTimeZone"/> sets another, as in FakeTimeProvider.</summary>
    public override TimeZoneInfo LocalTimeZone => localTimeZone;

    /// <summary>Sets the time zone <see cref="TimeProvider.GetLocalNow"/> converts to.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="localTimeZone"/> is null.</exception>
    public void SetLocalTimeZone(TimeZoneInfo localTimeZone)
    {
        ArgumentNullException.ThrowIfNull(localTimeZone);
        this.localTimeZone = localTimeZone;
    }

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (simulation.Gate)
        {
            DateTimeOffset now = Start.AddTicks(NowTicks + adjustTicks);
            if (autoAdvanceTicks > 0)
            {
                simulation.RunUntilTicks(NowTicks + autoAdvanceTicks);
            }

            return now;
        }
    }

    /// <summary>
    /// The clock's reading in ticks (<see cref="TimestampFrequency"/> per second), as FakeTimeProvider gives it: the
    /// <see cref="DateTimeOffset.Ticks"/> of <see cref="GetUtcNow"/> (so it starts at <see cref="Start"/>'s ticks, jumps
    /// with <see cref="AdjustTime"/>, and moves by <see cref="AutoAdvanceAmount"/> on each read when that is set).
    /// Differences of two timestamps are virtual time elapsed when the clock was not adjusted in between.
    /// </summary>
    /// <remarks>
    /// Without auto-advance it takes no lock: library code on a thread-pool thread (Polly's timing, for one) reads it
    /// while the simulation's driver holds the simulation's gate waiting for that thread.
    /// </remarks>
    public override long GetTimestamp() =>
        autoAdvanceTicks > 0 ? GetUtcNow().Ticks : Start.Ticks + NowTicks + adjustTicks;

    /// <summary>
    /// Sets the wall-clock time to <paramref name="value"/>, forwards or backwards, without running anything: timers keep
    /// the time they still have to wait and the network is untouched, as when a real machine's clock is set (and as
    /// FakeTimeProvider's <c>AdjustTime</c>). <see cref="Elapsed"/> (virtual time run) does not change.
    /// </summary>
    public void AdjustTime(DateTimeOffset value)
    {
        lock (simulation.Gate)
        {
            adjustTicks = (value - Start).Ticks - NowTicks;
        }
    }

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
            DateTimeOffset now = Start.AddTicks(NowTicks + adjustTicks);
            if (value < now)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Cannot go back in time: the clock reads {now:O}.");
            }

            simulation.RunUntilTicks((value - Start).Ticks - adjustTicks);
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
    public override string ToString() => Start.AddTicks(NowTicks + adjustTicks).ToString("O", global::System.Globalization.CultureInfo.InvariantCulture);
}
