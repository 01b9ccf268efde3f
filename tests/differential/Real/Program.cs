using System.Globalization;

namespace SimNet.Differential;

/// <summary>
/// The real half as a child process. First line out: <c>ready</c>, or <c>unavailable: why</c>.
/// Then for each input line <c>run BASEPORT SCENARIO</c> it writes one <c>s LINE</c> per step and <c>end</c>.
/// </summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("SIMNET_DIFF_SETTLE_MS"), CultureInfo.InvariantCulture, out int settle))
        {
            RealWorld.SettleTime = TimeSpan.FromMilliseconds(settle);
        }

        Dictionary<string, RealWorld> worlds;
        try
        {
            worlds = RealWorld.BuildAll();
        }
        catch (Exception e)
        {
            Console.WriteLine($"unavailable: {e.Message.ReplaceLineEndings(" ")}");
            return 0;
        }

        var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        output.WriteLine("ready");
        output.Flush();
        string? line;
        while ((line = Console.ReadLine()) is not null)
        {
            if (!line.StartsWith("run ", StringComparison.Ordinal))
            {
                continue;
            }

            int space = line.IndexOf(' ', 4);
            int basePort = int.Parse(line.AsSpan(4, space - 4), CultureInfo.InvariantCulture);
            try
            {
                Scenario scenario = Scenario.Parse(line[(space + 1)..]);
                foreach (string step in Runner.Run(worlds[scenario.Topology], scenario, basePort))
                {
                    output.Write("s ");
                    output.WriteLine(step);
                }
            }
            catch (Exception e)
            {
                output.WriteLine($"s runner ! {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            }

            output.WriteLine("end");
            output.Flush();
        }

        return 0;
    }
}
