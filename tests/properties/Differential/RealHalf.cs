extern alias diffsim;

using System.Diagnostics;
using Scenario = diffsim::SimNet.Differential.Scenario;

namespace SimNet.Properties.Differential;

/// <summary>
/// The real half of the differential suite: tests/differential/Real as a child process under
/// <c>unshare --net --mount</c>, which builds the topologies from network namespaces of its own.
/// Every wait on it is bounded; on an overrun the child is killed.
/// </summary>
internal sealed class RealHalf : IDisposable
{
    private readonly Process process;

    private RealHalf(Process process) => this.process = process;

    /// <summary>Starts the child, or returns null and says in one line why the real half cannot run here.</summary>
    public static RealHalf? Start(out string why)
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            why = "real half not run: network namespaces need Linux and root (this is " + (OperatingSystem.IsLinux() ? "Linux, not root" : "not Linux") + ")";
            return null;
        }

        string dll = Path.Combine(AppContext.BaseDirectory, "SimNet.Differential.Real.dll");
        var start = new ProcessStartInfo("unshare")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "--net", "--mount", "--propagation", "private", "--", "sh", "-c", "mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns && exec dotnet \"$0\"", dll })
        {
            start.ArgumentList.Add(a);
        }

        Process p;
        try
        {
            p = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e)
        {
            why = $"real half not run: cannot start unshare ({e.Message})";
            return null;
        }

        var half = new RealHalf(p);
        string? first = half.ReadLine(TimeSpan.FromSeconds(90));
        if (first != "ready")
        {
            half.Dispose();
            why = $"real half not run: namespaces could not be made ({first ?? "no answer"})";
            return null;
        }

        why = "real half: Linux in network namespaces built by the test (unshare --net --mount)";
        return half;
    }

    /// <summary>Runs <paramref name="scenario"/> on the real stack; its step lines.</summary>
    public List<string> Run(Scenario scenario, int basePort)
    {
        process.StandardInput.WriteLine($"run {basePort} {scenario}");
        process.StandardInput.Flush();
        var lines = new List<string>();
        while (true)
        {
            string line = ReadLine(TimeSpan.FromSeconds(20)) ?? throw new TimeoutException($"the real half did not finish within 20 s: {scenario}");
            if (line == "end")
            {
                return lines;
            }

            lines.Add(line.StartsWith("s ", StringComparison.Ordinal) ? line[2..] : line);
        }
    }

    private string? ReadLine(TimeSpan timeout)
    {
        Task<string?> read = process.StandardOutput.ReadLineAsync();
        if (!read.Wait(timeout))
        {
            process.Kill(entireProcessTree: true);
            return null;
        }

        return read.Result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        process.Dispose();
    }
}
