using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Time.Testing;
using SimNet.Testing;
using SimNet.Time;
using Xunit;

namespace SimNet.Properties.Time;

/// <summary>
/// sim.Clock beside the real FakeTimeProvider (Microsoft.Extensions.TimeProvider.Testing 10.11.0): the same script of
/// clock operations gives the same readings, timestamps, local times, exceptions and timer firings (which timers, how
/// often, and in due-time order). Two differences on purpose: what a timer callback reads during an advance (its due
/// time here, the advance's end there), and the order of timers due at the very same tick (creation order here, the
/// order they were last scheduled there).
/// </summary>
public class FakeTimeProviderParityTests
{
    private enum Op
    {
        Advance,
        SetUtcNow,
        AdjustTime,
        CreateTimer,
        ChangeTimer,
        DisposeTimer,
        AutoAdvance,
        TimeZone,
    }

    private sealed record Step(Op Op, int Ms, int Period, int Index);

    private static readonly Gen<Step> Steps =
        from op in Gen.Elements(Enum.GetValues<Op>())
        from ms in Gen.Choose(1, 3000)
        from period in Gen.Frequency((1, Gen.Constant(-1)), (2, Gen.Choose(1, 700)))
        from index in Gen.Choose(0, 5)
        from back in Gen.Elements(false, true)
        select new Step(op, op == Op.AdjustTime && back ? -ms : op == Op.AutoAdvance ? ms % 4 * 250 : ms, period, index);

    private static readonly Gen<DateTimeOffset?> Starts = Gen.Elements<DateTimeOffset?>(
        null,
        new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.Zero),
        new DateTimeOffset(2031, 7, 1, 8, 30, 0, TimeSpan.FromHours(2)));

    private static readonly TimeZoneInfo[] Zones =
    [
        TimeZoneInfo.Utc,
        TimeZoneInfo.CreateCustomTimeZone("plus5", TimeSpan.FromHours(5), "plus5", "plus5"),
        TimeZoneInfo.CreateCustomTimeZone("minus3h30", TimeSpan.FromMinutes(-210), "minus3h30", "minus3h30"),
    ];

    private sealed class Side
    {
        public Side(TimeProvider clock, Action<TimeSpan> advance, Action<DateTimeOffset> setUtcNow, Action<DateTimeOffset> adjust, Action<TimeSpan> auto, Action<TimeZoneInfo> zone)
        {
            Clock = clock;
            Advance = advance;
            SetUtcNow = setUtcNow;
            Adjust = adjust;
            Auto = auto;
            Zone = zone;
        }

        public TimeProvider Clock { get; }

        public Action<TimeSpan> Advance { get; }

        public Action<DateTimeOffset> SetUtcNow { get; }

        public Action<DateTimeOffset> Adjust { get; }

        public Action<TimeSpan> Auto { get; }

        public Action<TimeZoneInfo> Zone { get; }

        public List<ITimer> Timers { get; } = new();

        public List<(int Timer, DateTimeOffset Seen)> Fired { get; } = new();

        public List<string> Readings { get; } = new();

        public void Run(Step step)
        {
            try
            {
                Apply(step);
            }
            catch (ArgumentException e)
            {
                Readings.Add($"{step.Op}: {e.GetType().Name}");
            }

            Readings.Add($"{step.Op}: utc {Clock.GetUtcNow():O} ts {Clock.GetTimestamp()} local {Clock.GetLocalNow():O} tz {Clock.LocalTimeZone.Id} fired {string.Join(",", Fired.Select(f => f.Timer).Order())}");
        }

        private void Apply(Step step)
        {
            DateTimeOffset now = Clock.GetUtcNow();
            switch (step.Op)
            {
                case Op.Advance:
                    Advance(TimeSpan.FromMilliseconds(step.Ms));
                    break;
                case Op.SetUtcNow:
                    SetUtcNow(now.AddMilliseconds(step.Ms));
                    break;
                case Op.AdjustTime:
                    Adjust(now.AddMilliseconds(step.Ms));
                    break;
                case Op.CreateTimer:
                    int id = Timers.Count;
                    Timers.Add(Clock.CreateTimer(_ => Fired.Add((id, default)), null, TimeSpan.FromMilliseconds(step.Ms), Period(step)));
                    break;
                case Op.ChangeTimer when Timers.Count > 0:
                    Readings.Add("change " + Timers[step.Index % Timers.Count].Change(TimeSpan.FromMilliseconds(step.Ms), Period(step)));
                    break;
                case Op.DisposeTimer when Timers.Count > 0:
                    Timers[step.Index % Timers.Count].Dispose();
                    break;
                case Op.AutoAdvance:
                    Auto(TimeSpan.FromMilliseconds(step.Ms));
                    break;
                case Op.TimeZone:
                    Zone(Zones[step.Index % Zones.Length]);
                    break;
            }
        }

        private static TimeSpan Period(Step step) => step.Period < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(step.Period);
    }

    private static (Side Sim, Side Fake) Both(DateTimeOffset? start, Step[] steps)
    {
        var sim = start is { } s ? new Simulation(1, s) : new Simulation(1);
        var fake = start is { } f ? new FakeTimeProvider(f) : new FakeTimeProvider();
        var a = new Side(sim.Clock, sim.Clock.Advance, sim.Clock.SetUtcNow, sim.Clock.AdjustTime, d => sim.Clock.AutoAdvanceAmount = d, sim.Clock.SetLocalTimeZone);
        var b = new Side(fake, fake.Advance, fake.SetUtcNow, fake.AdjustTime, d => fake.AutoAdvanceAmount = d, fake.SetLocalTimeZone);
        foreach (Step step in steps)
        {
            a.Run(step);
            b.Run(step);
        }

        return (a, b);
    }

    [SimNetProperty(MaxTest = 200)]
    public Property The_clock_reads_ticks_zones_and_fires_timers_in_order_exactly_as_FakeTimeProvider_for_any_script_of_operations() =>
        Prop.ForAll(Arb.From(Starts), Arb.From(from n in Gen.Choose(0, 25) from steps in Gen.ArrayOf(Steps, n) select steps), (start, steps) =>
        {
            (Side sim, Side fake) = Both(start, steps);
            Assert.Equal(fake.Readings.Count, sim.Readings.Count);
            for (int i = 0; i < fake.Readings.Count; i++)
            {
                Assert.Equal(fake.Readings[i], sim.Readings[i]);
            }

            Assert.Equal(fake.Fired.Select(f => f.Timer).Order(), sim.Fired.Select(f => f.Timer).Order());
        });

    [SimNetProperty(MaxTest = 100)]
    public Property A_timer_callback_reads_its_own_due_time_here_and_the_end_of_the_advance_on_FakeTimeProvider() =>
        Prop.ForAll(Arb.From(from n in Gen.Choose(1, 6) from dues in Gen.ArrayOf(Gen.Choose(1, 5000), n) select dues), Arb.From(Gen.Choose(1, 6000)), (dues, advanceMs) =>
        {
            var sim = new Simulation(1);
            var fake = new FakeTimeProvider();
            dues = dues.Distinct().ToArray();
            var simSeen = new List<DateTimeOffset>();
            var fakeSeen = new List<DateTimeOffset>();
            var simOrder = new List<int>();
            var fakeOrder = new List<int>();
            var simStamps = new List<long>();
            var fakeStamps = new List<long>();
            var timers = new List<ITimer>(); // FakeTimeProvider lets a timer nobody holds be collected
            foreach (int due in dues)
            {
                timers.Add(sim.Clock.CreateTimer(_ => { simSeen.Add(sim.Clock.GetUtcNow()); simStamps.Add(sim.Clock.GetTimestamp()); simOrder.Add(due); }, null, TimeSpan.FromMilliseconds(due), Timeout.InfiniteTimeSpan));
                timers.Add(fake.CreateTimer(_ => { fakeSeen.Add(fake.GetUtcNow()); fakeStamps.Add(fake.GetTimestamp()); fakeOrder.Add(due); }, null, TimeSpan.FromMilliseconds(due), Timeout.InfiniteTimeSpan));
            }

            sim.Clock.Advance(TimeSpan.FromMilliseconds(advanceMs));
            fake.Advance(TimeSpan.FromMilliseconds(advanceMs));
            GC.KeepAlive(timers);
            int[] fired = dues.Where(d => d <= advanceMs).Order().ToArray();
            Assert.Equal(fired, simOrder);
            Assert.Equal(fired, fakeOrder);
            Assert.Equal(fired.Select(d => VirtualClock.Epoch.AddMilliseconds(d)), simSeen);
            Assert.Equal(fired.Select(_ => VirtualClock.Epoch.AddMilliseconds(advanceMs)), fakeSeen);
            Assert.Equal(simSeen.Select(t => t.Ticks), simStamps); // in both, a callback's timestamp is the ticks of its reading
            Assert.Equal(fakeSeen.Select(t => t.Ticks), fakeStamps);
            Assert.Equal(sim.Clock.GetTimestamp(), fake.GetTimestamp()); // and after the advance they read the same
        });

    [Fact]
    public void Bad_arguments_throw_the_same_exceptions_as_FakeTimeProvider()
    {
        var sim = new Simulation(1);
        var fake = new FakeTimeProvider();
        void Same(Action<Simulation> onSim, Action<FakeTimeProvider> onFake)
        {
            Exception expected = Assert.ThrowsAny<Exception>(() => onFake(fake));
            Exception actual = Assert.ThrowsAny<Exception>(() => onSim(sim));
            Assert.Equal(expected.GetType(), actual.GetType());
        }

        Same(s => s.Clock.Advance(TimeSpan.FromTicks(-1)), f => f.Advance(TimeSpan.FromTicks(-1)));
        Same(s => s.Clock.SetUtcNow(s.Clock.GetUtcNow().AddTicks(-1)), f => f.SetUtcNow(f.GetUtcNow().AddTicks(-1)));
        Same(s => s.Clock.AutoAdvanceAmount = TimeSpan.FromTicks(-1), f => f.AutoAdvanceAmount = TimeSpan.FromTicks(-1));
        Same(s => s.Clock.SetLocalTimeZone(null!), f => f.SetLocalTimeZone(null!));

        // Timer arguments: FakeTimeProvider checks fewer, so these follow the real TimeProvider.System.
        Exception Real(Action<TimeProvider> create) => Assert.ThrowsAny<Exception>(() => create(TimeProvider.System));
        Assert.IsType(Real(p => p.CreateTimer(null!, null, TimeSpan.Zero, TimeSpan.Zero)).GetType(), Assert.ThrowsAny<Exception>(() => sim.Clock.CreateTimer(null!, null, TimeSpan.Zero, TimeSpan.Zero)));
        Assert.IsType(Real(p => p.CreateTimer(_ => { }, null, TimeSpan.FromMilliseconds(-2), TimeSpan.Zero)).GetType(), Assert.ThrowsAny<Exception>(() => sim.Clock.CreateTimer(_ => { }, null, TimeSpan.FromMilliseconds(-2), TimeSpan.Zero)));
    }

    [Fact]
    public void The_default_start_is_FakeTimeProviders_and_a_chosen_start_keeps_its_offset_as_there()
    {
        Assert.Equal(new FakeTimeProvider().Start, new Simulation(1).Clock.Start);
        var start = new DateTimeOffset(2031, 7, 1, 8, 30, 0, TimeSpan.FromHours(2));
        Assert.Equal(new FakeTimeProvider(start).GetUtcNow().Offset, new Simulation(1, start).Clock.GetUtcNow().Offset);
        Assert.Equal(new FakeTimeProvider().GetTimestamp(), new Simulation(1).Clock.GetTimestamp());
        Assert.Equal(new FakeTimeProvider(start).GetTimestamp(), new Simulation(1, start).Clock.GetTimestamp());
    }
}
