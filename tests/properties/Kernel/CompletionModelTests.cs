using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Faults;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Kernel;

/// <summary>
/// The completion and scheduling model: deadlock reports a user can act on, timers that leave no
/// trace when cancelled, thread-pool work that holds virtual time, and the determinism self-check.
/// </summary>
public class CompletionModelTests
{
    public const string IdiomCommand = "idiom-trace";

    internal static Simulation PlayForDump(string idiom, long seed)
    {
        var run = new IdiomRun(new IdiomCase(seed, 3, 4, 2, 0.05), lossy: IdiomRun.Named(idiom).Tcp);
        run.Play(IdiomRun.Named(idiom));
        return run.Sim;
    }

    private static (Simulation Sim, Host Host) OneHost(long seed = 1)
    {
        var sim = new Simulation(seed);
        var lan = sim.AddSegment("lan");
        var h = sim.AddHost("h");
        h.AddAdapter("eth0", lan, "10.0.0.1/24");
        return (sim, h);
    }

    [Fact]
    public void A_disposed_CancellationTokenSource_on_the_clock_never_moves_the_clock()
    {
        var (sim, _) = OneHost();
        var cts = new CancellationTokenSource(TimeSpan.FromDays(1), sim.Clock);
        cts.Dispose();
        sim.RunUntilIdle();
        Assert.Equal(TimeSpan.Zero, sim.Clock.Elapsed);
        Assert.Equal(0, sim.AgendaCount);
    }

    [Fact]
    public void A_million_timer_re_arms_leave_one_slot_on_the_agenda()
    {
        var (sim, _) = OneHost();
        int fired = 0;
        ITimer timer = sim.Clock.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        for (int i = 0; i < 1_000_000; i++)
        {
            timer.Change(TimeSpan.FromMilliseconds(1 + (i % 1000)), Timeout.InfiniteTimeSpan);
        }

        Assert.Equal(1, sim.AgendaCount);
        sim.RunUntilIdle();
        Assert.Equal(1, fired);
        Assert.Equal(TimeSpan.FromMilliseconds(1 + (999_999 % 1000)), sim.Clock.Elapsed);
        timer.Dispose();
        Assert.Equal(0, sim.AgendaCount);
    }

    [Fact]
    public void A_deadlock_is_reported_without_waiting_for_a_cancelled_timers_due_time()
    {
        var (sim, h) = OneHost();
        var cts = new CancellationTokenSource(TimeSpan.FromDays(1), sim.Clock);
        cts.Dispose();
        using var s = new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Any, 4000));
        var e = Assert.Throws<SimulationDeadlockException>(() => s.Receive(new byte[8]));
        Assert.Equal(TimeSpan.Zero, e.At);
    }

    [SimNetProperty(MaxTest = 20)]
    public Property A_real_deadlock_is_reported_at_the_virtual_time_it_happens_naming_the_wait_and_the_entry_task_first()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(0, 5000)), delayMs =>
        {
            var (sim, h) = OneHost(delayMs);
            var e = Assert.Throws<SimulationDeadlockException>(() => h.Run(async () =>
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                s.Bind(new IPEndPoint(IPAddress.Any, 4321));
                await Task.Delay(TimeSpan.FromMilliseconds(delayMs), sim.Clock).ConfigureAwait(false);
                await s.ReceiveFromAsync(new byte[8], SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)).ConfigureAwait(false);
            }));
            Assert.Equal(TimeSpan.FromMilliseconds(delayMs), e.At);
            string[] lines = e.Waiting.Split(Environment.NewLine);
            Assert.StartsWith("the entry task of Run on host h:", lines[0]);
            Assert.Contains("an async receive on UDP socket on h 0.0.0.0:4321", lines[0]);
        });
    }

    [Fact]
    public void A_deadlock_is_not_a_SocketException_so_a_timeout_retry_loop_does_not_swallow_it()
    {
        var (sim, h) = OneHost();
        int attempts = 0;
        Assert.Throws<SimulationDeadlockException>(() => h.Run(async () =>
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, 5000));
            while (attempts < 100_000)
            {
                attempts++;
                try
                {
                    s.Receive(new byte[8]); // blocking: drives the simulation, finds nothing
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
                {
                    await Task.Yield();
                }
            }
        }));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public void The_deadlock_report_names_a_real_Task_Delay_as_the_wall_clock_wait_it_is()
    {
        var (sim, h) = OneHost();
        using var cancel = new CancellationTokenSource();
        var e = Assert.Throws<SimulationDeadlockException>(() => h.Run(async () =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancel.Token); // wall clock: SimNet cannot advance it
        }));
        cancel.Cancel();
        Assert.Contains("real Task.Delay", e.Message);
        Assert.Contains("sim.Clock", e.Message);
    }

    [Fact]
    public void Waits_left_from_an_earlier_Run_are_counted_but_not_listed()
    {
        var (sim, h) = OneHost();
        Assert.Throws<SimulationDeadlockException>(() => h.Run(async () =>
        {
            var first = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            first.Bind(new IPEndPoint(IPAddress.Any, 1111));
            await first.ReceiveAsync(new byte[8].AsMemory());
        }));
        var e = Assert.Throws<SimulationDeadlockException>(() => h.Run(async () =>
        {
            using var second = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            second.Bind(new IPEndPoint(IPAddress.Any, 2222));
            await second.ReceiveAsync(new byte[8].AsMemory());
        }));
        Assert.Contains(":2222", e.Waiting);
        Assert.DoesNotContain(":1111", e.Waiting);
        Assert.Contains("1 wait(s) registered by an earlier Run", e.Waiting);
    }

    [Fact]
    public void Thread_pool_work_of_a_host_holds_virtual_time_until_it_returns()
    {
        var (sim, h) = OneHost();
        int timerFiredAtWork = -1;
        bool timerFired = false;
        using ITimer timer = sim.Clock.CreateTimer(_ => timerFired = true, null, TimeSpan.FromMilliseconds(1), Timeout.InfiniteTimeSpan);
        TimeSpan sentAt = TimeSpan.MinValue;
        h.Run(async () =>
        {
            await Task.Run(() =>
            {
                Thread.Sleep(30); // wall time on another thread: virtual time must not move meanwhile
                timerFiredAtWork = timerFired ? 1 : 0;
                sentAt = sim.Clock.Elapsed;
            });
            await Task.Delay(TimeSpan.FromMilliseconds(5), sim.Clock);
        });
        Assert.Equal(0, timerFiredAtWork);
        Assert.Equal(TimeSpan.Zero, sentAt);
        Assert.Equal(TimeSpan.FromMilliseconds(5), sim.Clock.Elapsed);
        Assert.True(sim.Trace.ThreadPoolDepartures > 0);
        Assert.Contains("ran on other threads", sim.Trace.Summary());
    }

    [Fact]
    public void A_thread_pool_thread_blocked_on_a_simulation_task_is_reported_after_the_guard_instead_of_hanging()
    {
        var (sim, h) = OneHost();
        sim.ThreadPoolGuard = TimeSpan.FromMilliseconds(200);
        var s = new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Any, 6000));
        try
        {
            var e = Assert.Throws<SimulationDeadlockException>(() => h.Run(async () =>
            {
                Task<int> receive = s.ReceiveAsync(new byte[8].AsMemory()).AsTask();
                await Task.Run(() => receive.Result); // sync-over-async on a pool thread
            }));
            Assert.Contains("wall time without returning", e.Message);
            Assert.Contains("host h", e.Message);
        }
        finally
        {
            s.Dispose(); // ends the receive, so the blocked pool thread is released
        }
    }

    [Fact]
    public void Completions_run_on_the_driving_thread_for_both_kinds_of_continuation()
    {
        var (sim, h) = OneHost();
        int driver = Environment.CurrentManagedThreadId;
        var seen = new List<int>();
        h.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(1), sim.Clock);
            seen.Add(Environment.CurrentManagedThreadId);
            await Task.Delay(TimeSpan.FromMilliseconds(1), sim.Clock).ConfigureAwait(false);
            seen.Add(Environment.CurrentManagedThreadId);
            Assert.Null(SynchronizationContext.Current);
            await Task.Delay(TimeSpan.FromMilliseconds(1), sim.Clock);
            seen.Add(Environment.CurrentManagedThreadId);
        });
        Assert.Equal(new[] { driver, driver, driver }, seen);
        Assert.Equal(0, sim.Trace.ThreadPoolDepartures);
        Assert.Contains("every continuation ran on the driving thread", sim.Trace.Summary());
    }

    [SimNetProperty(MaxTest = 20)]
    public Property A_PeriodicTimer_on_the_clock_ticks_at_virtual_times_with_ConfigureAwait_false_on_the_driving_thread()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(1, 1000)), periodMs =>
        {
            var (sim, h) = OneHost(periodMs);
            int driver = Environment.CurrentManagedThreadId;
            var ticks = new List<TimeSpan>();
            h.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(periodMs), sim.Clock);
                while (ticks.Count < 5 && await timer.WaitForNextTickAsync().ConfigureAwait(false))
                {
                    Assert.Equal(driver, Environment.CurrentManagedThreadId);
                    ticks.Add(sim.Clock.Elapsed);
                }
            });
            Assert.Equal(Enumerable.Range(1, 5).Select(k => TimeSpan.FromMilliseconds(k * periodMs)), ticks);
            Assert.Equal(0, sim.Trace.ThreadPoolDepartures);
        });
    }

    [Fact]
    public void The_determinism_check_agrees_for_a_replayable_scenario_and_prints_both_sides_where_runs_differ()
    {
        DeterminismReport same = DeterminismCheck.InProcess(() => PlayForDump("tcp-stream-cafalse", 11), runs: 3);
        Assert.True(same.Agrees, same.ToString());
        Assert.Contains("agree", same.ToString());

        int run = 0;
        DeterminismReport differ = DeterminismCheck.InProcess(() =>
        {
            var (sim, h) = OneHost();
            using var s = new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.SendTo(new byte[1 + run++], new IPEndPoint(IPAddress.Parse("10.0.0.1"), 9)); // differs per run
            sim.RunUntilIdle();
            return sim;
        });
        Assert.False(differ.Agrees);
        Assert.Equal(0, differ.FirstDifference);
        Assert.Contains("run 1:", differ.ToString());
        Assert.Contains("run 2:", differ.ToString());
    }

    [Theory]
    [InlineData("tcp-stream-cafalse")]
    [InlineData("dns-cafalse")]
    [InlineData("polly-retry-timeout")]
    [InlineData("task-run")]
    public void An_idiom_gives_the_same_trace_in_a_second_process(string idiom)
    {
        string assembly = typeof(CompletionModelTests).Assembly.Location;
        string dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo(dotnet);
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add(IdiomCommand);
        start.ArgumentList.Add(idiom);
        start.ArgumentList.Add(42.ToString(CultureInfo.InvariantCulture));
        DeterminismReport report = DeterminismCheck.AcrossProcesses(() => PlayForDump(idiom, 42), start, TimeSpan.FromSeconds(60));
        Assert.True(report.Agrees, report.ToString());
    }
}
