using System.Diagnostics;
using System.Globalization;
using SimNet.Faults;
using Xunit;

namespace SimNet.Properties.Faults;

public class ReplayProperties
{
    [Fact]
    public void The_same_seed_and_fault_script_give_the_same_trace_hash_in_two_separate_processes()
    {
        long seed = SeedReplay.Seed(0x51A7E);
        string expected = FaultScript.Format(FaultScript.Run(seed));
        Assert.Equal(expected, FaultScript.Format(FaultScript.Run(seed))); // and twice in this process
        Assert.NotEqual(expected, FaultScript.Format(FaultScript.Run(seed + 1)));

        string first = RunElsewhere(seed);
        string second = RunElsewhere(seed);
        Assert.Equal(expected, first);
        Assert.Equal(expected, second);
    }

    [Fact]
    public void A_failing_scenario_names_its_seed_and_the_line_that_replays_it()
    {
        var e = Assert.Throws<ScenarioFailedException>(() => SeedReplay.Run(12345, _ => throw new InvalidOperationException("boom"), "My_scenario"));
        long seed = SeedReplay.FixedSeed ?? 12345;
        Assert.Equal(seed, e.Seed);
        Assert.Contains($"seed {seed}", e.Message);
        Assert.Contains($"SIMNET_SEED={seed} dotnet test tests/properties --filter \"FullyQualifiedName~My_scenario\"", e.Message);
        Assert.Contains("boom", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
    }

    /// <summary>Runs the fault script in a fresh <c>dotnet</c> process on this test assembly, bounded to 60 s.</summary>
    private static string RunElsewhere(long seed)
    {
        string assembly = typeof(FaultScript).Assembly.Location;
        string dotnet = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(assembly);
        start.ArgumentList.Add(FaultScript.Command);
        start.ArgumentList.Add(seed.ToString(CultureInfo.InvariantCulture));
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The fault-script process did not finish within 60 s.");
        }

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {errors.Result}");
        return output.Result.Trim();
    }
}
