using System.Diagnostics;

namespace SimNet.Faults;

/// <summary>
/// Runs a scenario more than once and says whether the runs agree: the first trace event where they
/// differ, with both sides, or a statement that they agree, with how much of each run left the
/// driving thread (see <see cref="Tracing.Trace.ThreadPoolDepartures"/>).
/// </summary>
/// <example>
/// <code>
/// DeterminismReport report = DeterminismCheck.InProcess(() =>
/// {
///     var sim = new Simulation(seed: 7);
///     // build the world, run the app
///     return sim;
/// });
/// Assert.True(report.Agrees, report.ToString());
/// </code>
/// To compare with a second process, have that process print <c>sim.Trace.Dump()</c> (for example a
/// test assembly's own <c>Main</c> or a console app) and call <see cref="AcrossProcesses"/>.
/// </example>
public static class DeterminismCheck
{
    /// <summary>Runs <paramref name="scenario"/> <paramref name="runs"/> times in this process and compares every run with the first.</summary>
    /// <param name="scenario">Builds a simulation from a fixed seed, runs it, and returns it (with <see cref="Tracing.Trace.KeepEvents"/> on, for an event-level answer).</param>
    /// <param name="runs">How many runs, at least 2.</param>
    public static DeterminismReport InProcess(Func<Simulation> scenario, int runs = 2)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 2);
        Simulation first = scenario();
        string[] reference = Lines(first.Trace.Dump());
        long departures = first.Trace.ThreadPoolDepartures;
        for (int run = 2; run <= runs; run++)
        {
            Simulation other = scenario();
            departures += other.Trace.ThreadPoolDepartures;
            DeterminismReport r = Compare(reference, first.Trace.Hash, Lines(other.Trace.Dump()), other.Trace.Hash, $"run 1", $"run {run}", departures);
            if (!r.Agrees)
            {
                return r;
            }
        }

        return new DeterminismReport(true, runs, -1, null, null, "run 1", $"runs 2–{runs}", first.Trace.Hash, first.Trace.Hash, departures);
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> here and <paramref name="secondProcess"/> elsewhere, which must print the
    /// same scenario's <c>Trace.Dump()</c> on standard output, and compares the two traces event by event.
    /// </summary>
    /// <exception cref="InvalidOperationException">The second process failed or did not end within <paramref name="timeout"/>.</exception>
    public static DeterminismReport AcrossProcesses(Func<Simulation> scenario, ProcessStartInfo secondProcess, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(secondProcess);
        Simulation here = scenario();
        secondProcess.RedirectStandardOutput = true;
        secondProcess.UseShellExecute = false;
        using Process process = Process.Start(secondProcess) ?? throw new InvalidOperationException($"Could not start {secondProcess.FileName}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The second process ({secondProcess.FileName} {string.Join(' ', secondProcess.ArgumentList)}) did not end within {timeout}.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The second process exited with code {process.ExitCode}.");
        }

        string[] there = Lines(output.GetAwaiter().GetResult());
        return Compare(Lines(here.Trace.Dump()), here.Trace.Hash, there, null, "this process", "the second process", here.Trace.ThreadPoolDepartures);
    }

    /// <summary>Compares two trace dumps (<see cref="Tracing.Trace.Dump"/>) line by line.</summary>
    public static DeterminismReport Compare(string left, string right) =>
        Compare(Lines(left), null, Lines(right), null, "left", "right", 0);

    private static DeterminismReport Compare(string[] a, ulong? hashA, string[] b, ulong? hashB, string nameA, string nameB, long departures)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
            {
                return new DeterminismReport(false, 2, i, a[i], b[i], nameA, nameB, hashA, hashB, departures);
            }
        }

        if (a.Length != b.Length)
        {
            return new DeterminismReport(false, 2, n, n < a.Length ? a[n] : "(trace ends)", n < b.Length ? b[n] : "(trace ends)", nameA, nameB, hashA, hashB, departures);
        }

        bool hashesAgree = hashA is null || hashB is null || hashA == hashB;
        return new DeterminismReport(hashesAgree, 2, hashesAgree ? -1 : n, null, null, nameA, nameB, hashA, hashB, departures);
    }

    private static string[] Lines(string dump) =>
        dump.Length == 0 ? Array.Empty<string>() : dump.Split('\n', StringSplitOptions.None);
}

/// <summary>The answer of a <see cref="DeterminismCheck"/>.</summary>
/// <param name="Agrees">Whether every run gave the same trace.</param>
/// <param name="Runs">How many runs were compared.</param>
/// <param name="FirstDifference">The index of the first event that differs; -1 when they agree.</param>
/// <param name="Left">That event in the first run (its <see cref="Tracing.TraceEvent"/> rendering).</param>
/// <param name="Right">That event in the other run.</param>
/// <param name="LeftName">Which run <paramref name="Left"/> comes from.</param>
/// <param name="RightName">Which run <paramref name="Right"/> comes from.</param>
/// <param name="LeftHash">The first run's trace hash, when known.</param>
/// <param name="RightHash">The other run's trace hash, when known.</param>
/// <param name="ThreadPoolDepartures">How often code left the driving thread over all runs made here.</param>
public sealed record DeterminismReport(bool Agrees, int Runs, int FirstDifference, string? Left, string? Right, string LeftName, string RightName, ulong? LeftHash, ulong? RightHash, long ThreadPoolDepartures)
{
    /// <inheritdoc />
    public override string ToString()
    {
        string pool = ThreadPoolDepartures == 0
            ? "every continuation ran on the driving thread"
            : $"{ThreadPoolDepartures} continuation(s) ran on thread-pool threads, whose order among themselves SimNet does not fix";
        if (Agrees)
        {
            return $"The {Runs} runs agree ({LeftName} and {RightName}, trace hash {LeftHash:x16}); {pool}.";
        }

        return Left is null
            ? $"The runs differ in their trace hash ({LeftHash:x16} vs {RightHash:x16}) though their kept events agree; {pool}."
            : $"The runs differ at trace event {FirstDifference}:{Environment.NewLine}  {LeftName}: {Left}{Environment.NewLine}  {RightName}: {Right}{Environment.NewLine}{pool}.";
    }
}
