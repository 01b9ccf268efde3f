using SimNet;
using Xunit;

namespace SimNet.Properties.Time;

/// <summary>A virtual timer's callback runs under the execution context captured when the timer was made, as real timers' do.</summary>
public class TimerContextTests
{
    private static readonly AsyncLocal<string?> Flow = new();

    [Fact]
    public void A_callback_sees_the_creators_async_locals_and_what_it_changes_does_not_leak_to_the_driver()
    {
        var sim = new Simulation(seed: 1);
        string? seen = null;
        Flow.Value = "creator";
        using ITimer timer = sim.Clock.CreateTimer(
            _ =>
            {
                seen = Flow.Value;
                Flow.Value = "changed by the callback";
            },
            null,
            TimeSpan.FromSeconds(1),
            Timeout.InfiniteTimeSpan);

        sim.RunFor(TimeSpan.FromSeconds(2)); // fires on this thread, under the same context it was made in
        Assert.Equal("creator", seen);
        Assert.Equal("creator", Flow.Value);

        Flow.Value = "driver moved on"; // now the driver's context differs from the captured one
        timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        sim.RunFor(TimeSpan.FromSeconds(2));
        Assert.Equal("creator", seen);
        Assert.Equal("driver moved on", Flow.Value);
        Flow.Value = null;
    }
}
