using System.Diagnostics;
using SimNet.Http.Tests.Scenarios;
using Xunit;

namespace SimNet.Http.Tests;

public class DeterminismTests
{
    [Fact]
    public void Sequential_http_and_grpc_through_loss_partition_and_crash_replay_the_same_trace_in_any_run_and_process()
    {
        // Kestrel's and HttpClient's hops to the thread pool run one at a time in queue order
        // (Simulation.OrderedThreadPool, which UseSimNet and SimNetHttp turn on), so the whole trace replays.
        (ulong hash, int answers) = ConcurrentChaos.Run(41, concurrent: false);
        Assert.Equal(ConcurrentChaos.Answers, answers);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(hash, ConcurrentChaos.Run(41, concurrent: false).Hash);
        }

        Assert.Equal(hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), SecondProcess("hash", "41", "seq"));
    }

    [Fact]
    public void Concurrent_http_and_grpc_calls_give_every_answer_and_most_runs_replay_the_same_trace()
    {
        // Concurrent calls replay in most runs, not all (docs/http.md, "Determinism", has the measured figure and
        // the cause: a pool item that switches to a context it captured outside the simulation loses the marker
        // for the rest of the item). What holds every time: every call is answered, and the runs agree by majority.
        var counts = new Dictionary<ulong, int>();
        for (int i = 0; i < 5; i++)
        {
            (ulong hash, int answers) = ConcurrentChaos.Run(44, concurrent: true);
            Assert.Equal(ConcurrentChaos.Answers, answers);
            counts[hash] = counts.GetValueOrDefault(hash) + 1;
        }

        Assert.True(counts.Values.Max() >= 3, $"runs gave {counts.Count} different traces: {string.Join(", ", counts.Select(kv => $"{kv.Key:x16} x{kv.Value}"))}");
    }

    /// <summary>Runs this test assembly's Main in a new process and returns what it printed.</summary>
    private static string SecondProcess(params string[] args)
    {
        string assembly = typeof(DeterminismTests).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(assembly);
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("the second process did not finish within 120 s");
        }

        Assert.True(process.ExitCode == 0, errors.Result);
        return output.Result.Trim();
    }
}
