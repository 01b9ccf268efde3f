using System.Globalization;
using SimNet.Http.Tests.Scenarios;

namespace SimNet.Http.Tests;

/// <summary>
/// Second-process entry of the cross-process determinism test (<c>hash SEED seq|conc</c>), and the
/// measurement behind docs/http.md's determinism figures (<c>measure RUNS SEED</c>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 3 && args[0] == "hash")
        {
            ulong hash = ConcurrentChaos.Hash(long.Parse(args[1], CultureInfo.InvariantCulture), concurrent: args[2] == "conc");
            Console.WriteLine(hash.ToString("x16", CultureInfo.InvariantCulture));
            return 0;
        }

        if (args.Length is 3 or 4 && args[0] == "measure")
        {
            int runs = int.Parse(args[1], CultureInfo.InvariantCulture);
            long seed = long.Parse(args[2], CultureInfo.InvariantCulture);
            bool[] kinds = args.Length == 4 ? [args[3] == "conc"] : [false, true];
            foreach (bool concurrent in kinds)
            {
                var counts = new Dictionary<ulong, int>();
                var wall = System.Diagnostics.Stopwatch.StartNew();
                for (int i = 0; i < runs; i++)
                {
                    ulong h = ConcurrentChaos.Hash(seed, concurrent);
                    counts[h] = counts.GetValueOrDefault(h) + 1;
                }

                int most = 0;
                foreach (int c in counts.Values)
                {
                    most = Math.Max(most, c);
                }

                Console.WriteLine($"{(concurrent ? "concurrent" : "sequential")}: {most}/{runs} runs gave the most common trace hash; {counts.Count} distinct hashes; {wall.Elapsed.TotalSeconds / runs:F2} s a run");
                foreach (KeyValuePair<ulong, int> kv in counts)
                {
                    Console.WriteLine($"  {kv.Key:x16} x{kv.Value}");
                }
            }

            return 0;
        }

        if (args.Length == 4 && args[0] == "dump")
        {
            // dump RUNS SEED DIR: writes the trace of each distinct hash to DIR/HASH.txt, with the run's summary.
            int runs = int.Parse(args[1], CultureInfo.InvariantCulture);
            long seed = long.Parse(args[2], CultureInfo.InvariantCulture);
            Directory.CreateDirectory(args[3]);
            for (int i = 0; i < runs; i++)
            {
                ConcurrentChaos.Run(seed, concurrent: true, keep: sim =>
                {
                    string file = Path.Combine(args[3], $"{sim.Trace.Hash:x16}.txt");
                    Console.WriteLine($"{sim.Trace.Hash:x16} {sim.Trace.Summary()} unordered {sim.Trace.ThreadPoolItemsUnordered}");
                    if (!File.Exists(file))
                    {
                        File.WriteAllText(file, sim.Trace.Dump());
                    }
                });
            }

            return 0;
        }

        Console.Error.WriteLine("usage: SimNet.Http.Tests hash SEED seq|conc | measure RUNS SEED [seq|conc]");
        return 2;
    }
}
