using System.Diagnostics;

namespace SimNet.Http.Tests.Support;

/// <summary>Runs the real tshark (scripts/test.sh installs it) on a capture file, bounded in time.</summary>
internal static class Tshark
{
    public static string Run(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("tshark did not start: run scripts/test.sh, or apt-get install tshark.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("tshark did not finish within 60 s.");
        }

        return process.ExitCode == 0 ? output.Result : throw new InvalidOperationException($"tshark exited {process.ExitCode}: {errors.Result}");
    }
}
