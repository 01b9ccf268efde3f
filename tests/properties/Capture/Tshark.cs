using System.Diagnostics;

namespace SimNet.Properties.Capture;

/// <summary>Runs the real tshark (installed by scripts/test.sh) on a capture file, bounded in time.</summary>
internal static class Tshark
{
    public static List<string[]> Fields(string file, params string[] fields) => FieldsWhere(file, null, fields);

    public static List<string[]> FieldsWhere(string file, string? filter, params string[] fields)
    {
        var args = new List<string> { "-r", file, "-n", "-T", "fields", "-E", "separator=|", "-E", "occurrence=f",
            "-o", "udp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE" };
        if (filter is not null)
        {
            args.Add("-Y");
            args.Add(filter);
        }

        foreach (string f in fields)
        {
            args.Add("-e");
            args.Add(f);
        }

        return Run(args).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split('|')).ToList();
    }

    public static string Run(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("tshark") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("tshark is not installed: run scripts/test.sh, or apt-get install tshark.", e);
        }

        using (process)
        {
            Task<string> output = process.StandardOutput.ReadToEndAsync();
            Task<string> errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("tshark did not finish within 60 s.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"tshark exited {process.ExitCode}: {errors.Result}");
            }

            return output.Result;
        }
    }
}
