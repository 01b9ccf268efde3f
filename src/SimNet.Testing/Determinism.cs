using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Faults;

namespace SimNet.Testing;

/// <summary>
/// The determinism self-check (<see cref="DeterminismCheck"/>) as test assertions: run a scenario again from the same
/// seed and fail the test, with the first trace event where the runs part and the events around it, when they differ.
/// </summary>
/// <example><code>
/// [Fact]
/// public void The_echo_run_replays() => Determinism.AssertReplays(seed: 7, sim =>
/// {
///     var lan = sim.AddSegment("lan");
///     // hosts, the app under test, sim.Run(...)
/// });
///
/// [SimNetProperty(MaxTest = 20)]
/// public Property Every_seed_replays() => Determinism.ForAll(sim => { /* build the world from sim.Seed, run the app */ });
/// </code></example>
public static class Determinism
{
    /// <summary>How many trace events before and after the first difference a failure shows.</summary>
    private const int Context = 3;

    /// <summary>
    /// Runs <paramref name="scenario"/> <paramref name="runs"/> times and fails unless every run records the same trace
    /// (event by event and by trace hash) as the first.
    /// </summary>
    /// <param name="scenario">Builds a simulation from a fixed seed, runs it, and returns it (keep <see cref="Tracing.Trace.KeepEvents"/> on).</param>
    /// <param name="runs">How many runs, at least 2.</param>
    /// <returns>The check's report when the runs agree (it says how much ran on thread-pool threads).</returns>
    /// <exception cref="NondeterminismException">The runs differ: the message shows where, with both sides.</exception>
    public static DeterminismReport AssertReplays(Func<Simulation> scenario, int runs = 2)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 2);
        var dumps = new List<string>(runs);
        DeterminismReport report = DeterminismCheck.InProcess(
            () =>
            {
                Simulation sim = scenario() ?? throw new InvalidOperationException("The scenario returned no simulation.");
                dumps.Add(sim.Trace.Dump());
                return sim;
            },
            runs);
        if (!report.Agrees)
        {
            throw new NondeterminismException(Describe(report, dumps[0], dumps[^1], dumps.Count));
        }

        return report;
    }

    /// <summary>
    /// Builds a fresh <see cref="Simulation"/> from <paramref name="seed"/> <paramref name="runs"/> times, lets
    /// <paramref name="scenario"/> build the world and run it in each, and fails unless every run records the same trace.
    /// </summary>
    /// <exception cref="NondeterminismException">The runs differ: the message shows where, with both sides, and the seed.</exception>
    public static DeterminismReport AssertReplays(long seed, Action<Simulation> scenario, int runs = 2)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        try
        {
            return AssertReplays(
                () =>
                {
                    var sim = new Simulation(seed);
                    sim.Trace.KeepEvents = true;
                    scenario(sim);
                    return sim;
                },
                runs);
        }
        catch (NondeterminismException e)
        {
            throw new NondeterminismException($"Seed {seed}: {e.Message}");
        }
    }

    /// <summary>
    /// The property that every seed FsCheck draws replays: <paramref name="scenario"/> run twice on a fresh
    /// <see cref="Simulation"/> of that seed records the same trace. Use it in a <see cref="SimNetPropertyAttribute"/> method,
    /// which prints the seed and the line that replays a failure.
    /// </summary>
    public static Property ForAll(Action<Simulation> scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return Seeds.ForAll(seed => AssertReplays(seed, scenario));
    }

    private static string Describe(DeterminismReport report, string first, string other, int runs)
    {
        string[] a = first.Length == 0 ? Array.Empty<string>() : first.Split('\n');
        string[] b = other.Length == 0 ? Array.Empty<string>() : other.Split('\n');
        var text = new StringBuilder();
        if (report.Left is null)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"The runs record the same events but different trace hashes ({report.LeftHash:x16} vs {report.RightHash:x16}).");
        }
        else
        {
            int at = report.FirstDifference;
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"The runs part at trace event {at} (run 1 against run {runs}; the trace is {a.Length} vs {b.Length} events long):");
            text.AppendLine();
            for (int i = Math.Max(0, at - Context); i < at; i++)
            {
                text.Append("    ").AppendLine(a[i]);
            }

            for (int i = at; i < Math.Min(a.Length, at + Context); i++)
            {
                text.Append("  - ").AppendLine(a[i]);
            }

            if (at >= a.Length)
            {
                text.AppendLine("  - (run 1's trace ends)");
            }

            for (int i = at; i < Math.Min(b.Length, at + Context); i++)
            {
                text.Append("  + ").AppendLine(b[i]);
            }

            if (at >= b.Length)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"  + (run {runs}'s trace ends)").AppendLine();
            }
        }

        text.Append(report.ThreadPoolDepartures == 0
            ? "Every continuation ran on the simulation's driving thread: look for a wall clock, an unseeded Random, or an order that depends on hash codes."
            : $"{report.ThreadPoolDepartures} continuation(s) ran on thread-pool threads, whose order among themselves SimNet does not fix: keep the code under test on the simulation's thread (README: what stays deterministic).");
        return text.ToString();
    }
}

/// <summary>A scenario run twice from the same seed recorded different traces; the message shows where.</summary>
public sealed class NondeterminismException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>.</summary>
    public NondeterminismException(string message)
        : base(message)
    {
    }
}
