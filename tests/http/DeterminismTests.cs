using System.Diagnostics;
using SimNet.Http.Tests.Scenarios;
using Xunit;

namespace SimNet.Http.Tests;

public class DeterminismTests
{
    [Fact]
    public void Sequential_http_and_grpc_through_loss_partition_and_crash_replay_the_same_trace()
    {
        ulong first = ConcurrentChaos.Hash(41, concurrent: false);
        ulong second = ConcurrentChaos.Hash(41, concurrent: false);
        Assert.Equal(first, second);
        Assert.NotEqual(first, ConcurrentChaos.Hash(42, concurrent: false)); // the hash sees the seed
        Assert.Equal(first.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), SecondProcess("hash", "41", "seq"));
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
