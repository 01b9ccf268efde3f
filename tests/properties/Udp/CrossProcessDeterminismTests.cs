using System.Diagnostics;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using Xunit;

namespace SimNet.Properties.Udp;

public class CrossProcessDeterminismTests
{
    [SimNetProperty(MaxTest = 3)]
    public Property The_same_seed_gives_the_same_trace_hash_in_a_second_process()
    {
        // Few cases: each starts a process. Seeds are generated; the demo is the scenario.
        return Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            string here = UdpChat.Demo.Run(seed, TextWriter.Null).Trace.Hash.ToString("x16", CultureInfo.InvariantCulture);
            string there = RunDemoProcess(seed);
            Assert.Equal(here, there);
        });
    }

    private static string RunDemoProcess(long seed)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "UdpChat.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--seed");
        start.ArgumentList.Add(seed.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--hash-only");
        // .NET seeds string hashing per process, so a match also shows no ordering depends on hash codes.
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The demo process did not finish within 60 s.");
        }

        Assert.True(process.ExitCode == 0, $"demo exited {process.ExitCode}: {errors}");
        return output.Trim();
    }
}
