extern alias diffsim;

using System.Globalization;
using System.Text;
using Xunit;
using Xunit.Abstractions;
using Generator = diffsim::SimNet.Differential.Generator;
using Op = diffsim::SimNet.Differential.Op;
using Scenario = diffsim::SimNet.Differential.Scenario;
using SimWorld = diffsim::SimNet.Differential.SimWorld;
using Step = diffsim::SimNet.Differential.Step;

namespace SimNet.Properties.Differential;

/// <summary>
/// The generated differential suite: seeded scenarios run on Linux (in network namespaces the test
/// builds) and on the same topology in SimNet, compared step by step. Prints the agreement per
/// operation and per topology, each divergence side by side, shrunk; asserts at least 99 % of
/// steps agree and that every simulated run conserves packets.
/// <c>SIMNET_DIFF_SCENARIOS</c> sets how many scenarios (default 1,000), <c>SIMNET_DIFF_SEED</c> the seed,
/// <c>SIMNET_DIFF_SHOW</c> how many divergences are shrunk and shown, <c>SIMNET_DIFF_DUMP</c> a file for every first divergence.
/// </summary>
public class DifferentialTests(ITestOutputHelper output)
{
    private const double Required = 0.99;

    [Fact]
    public void Generated_scenarios_agree_step_by_step_with_Linux_in_network_namespaces()
    {
        int count = Setting("SIMNET_DIFF_SCENARIOS", 1000);
        int seed = Setting("SIMNET_DIFF_SEED", 11);
        var tally = new Tally();
        var unconserved = new List<string>();
        var divergent = new List<Scenario>();
        using RealHalf? real = RealHalf.Start(out string why);
        string? dumpPath = Environment.GetEnvironmentVariable("SIMNET_DIFF_DUMP");
        using StreamWriter? dump = dumpPath is null ? null : new StreamWriter(dumpPath);
        Say(why);
        for (int i = 0; i < count; i++)
        {
            Scenario scenario = Generator.Generate(seed, i, v6: true);
            int basePort = BasePort(i);
            (List<string> sim, bool conserved, string detail) = SimWorld.Run(scenario, basePort);
            if (!conserved)
            {
                unconserved.Add($"{scenario}  ({detail})");
            }

            if (real is null)
            {
                continue;
            }

            List<string> linux = real.Run(scenario, basePort);
            if (dump is not null && FirstDifference(linux, sim) is int d and >= 0)
            {
                dump.WriteLine($"{scenario}\n  - linux:  {(d < linux.Count ? linux[d] : "(nothing)")}\n  + simnet: {(d < sim.Count ? sim[d] : "(nothing)")}");
            }

            if (tally.Add(scenario, linux, sim) && divergent.Count < 200)
            {
                divergent.Add(scenario);
            }
        }

        Say($"{count} scenarios of seed {seed}: {(real is null ? "simulated half only" : tally.Summary())}");
        if (real is not null)
        {
            Say(tally.Table());
            foreach (Scenario s in divergent.Take(Setting("SIMNET_DIFF_SHOW", 5)))
            {
                Say(Explain(real, Shrink(real, s)));
            }
        }

        Assert.True(unconserved.Count == 0, $"packets sent that never ended:\n{string.Join('\n', unconserved.Take(10))}");
        if (real is not null)
        {
            Assert.True(tally.Agreement >= Required, $"step agreement {tally.Agreement:P2} is below {Required:P0}: {tally.Summary()}");
        }
    }

    private static int BasePort(int i) => 20000 + (i % 2000 * 4);

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : fallback;

    private void Say(string text)
    {
        output.WriteLine(text);
        Console.WriteLine(text);
    }

    /// <summary>The first step where the stacks differ, or -1.</summary>
    private static int FirstDifference(List<string> linux, List<string> sim)
    {
        int n = Math.Max(linux.Count, sim.Count);
        for (int i = 0; i < n; i++)
        {
            if (i >= linux.Count || i >= sim.Count || linux[i] != sim[i])
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Shrinks a divergent scenario: cut after the first difference, then drop steps one by one while it still diverges.</summary>
    private static Scenario Shrink(RealHalf real, Scenario scenario)
    {
        int budget = 150;
        int Diverges(Scenario s)
        {
            budget--;
            return FirstDifference(real.Run(s, BasePort(budget)), SimWorld.Run(s, BasePort(budget)).Lines);
        }

        int first = Diverges(scenario);
        if (first < 0)
        {
            return scenario; // flaky on the real side: report it unshrunk
        }

        Scenario best = scenario with { Steps = scenario.Steps[..(first + 1)] };
        bool progress = true;
        while (progress && budget > 0)
        {
            progress = false;
            for (int i = best.Steps.Length - 1; i >= 0 && budget > 0; i--)
            {
                Step[] fewer = [.. best.Steps[..i], .. best.Steps[(i + 1)..]];
                if (fewer.Length == 0)
                {
                    continue;
                }

                Scenario candidate = best with { Steps = fewer };
                int d = Diverges(candidate);
                if (d >= 0)
                {
                    best = candidate with { Steps = fewer[..(d + 1)] };
                    progress = true;
                }
            }
        }

        return best;
    }

    /// <summary>Runs <paramref name="scenario"/> on both stacks once more and prints them side by side.</summary>
    private static string Explain(RealHalf real, Scenario scenario)
    {
        List<string> linux = real.Run(scenario, BasePort(0));
        List<string> sim = SimWorld.Run(scenario, BasePort(0)).Lines;
        var text = new StringBuilder();
        text.AppendLine($"Divergence, shrunk: {scenario}");
        text.Append(scenario.Listing());
        for (int i = 0; i < Math.Max(linux.Count, sim.Count); i++)
        {
            string l = i < linux.Count ? linux[i] : "(nothing)";
            string m = i < sim.Count ? sim[i] : "(nothing)";
            text.AppendLine(l == m ? $"    {l}" : $"  - linux:  {l}\n  + simnet: {m}");
        }

        return text.ToString();
    }

    /// <summary>Step agreement counted per operation and per topology.</summary>
    private sealed class Tally
    {
        private readonly SortedDictionary<string, (int Agree, int Total)> byOp = new(StringComparer.Ordinal);
        private readonly SortedDictionary<string, (int Agree, int Total)> byTopology = new(StringComparer.Ordinal);
        private int scenarios;
        private int scenariosAgreeing;

        public int Agree { get; private set; }

        public int Total { get; private set; }

        public double Agreement => Total == 0 ? 1 : (double)Agree / Total;

        /// <summary>Counts one scenario; true when some step differs.</summary>
        public bool Add(Scenario scenario, List<string> linux, List<string> sim)
        {
            bool differs = linux.Count != sim.Count;
            string family = scenario.Sockets[0].V6 ? "IPv6" : "IPv4";
            for (int i = 0; i < scenario.Steps.Length; i++)
            {
                bool same = i < linux.Count && i < sim.Count && linux[i] == sim[i];
                differs |= !same;
                Count(byOp, $"{scenario.Steps[i].Op} {family}", same);
                Count(byTopology, $"{scenario.Topology} {family}", same);
                Agree += same ? 1 : 0;
                Total++;
            }

            scenarios++;
            scenariosAgreeing += differs ? 0 : 1;
            return differs;
        }

        public string Summary() =>
            $"{Agree} of {Total} steps agree ({Agreement:P2}); {scenariosAgreeing} of {scenarios} scenarios agree end to end";

        public string Table()
        {
            var text = new StringBuilder();
            text.AppendLine("| operation | steps | agree | % |");
            text.AppendLine("|---|---:|---:|---:|");
            foreach ((string key, (int agree, int total)) in byOp)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {total} | {agree} | {100.0 * agree / total:F1} |");
            }

            text.AppendLine();
            text.AppendLine("| topology | steps | agree | % |");
            text.AppendLine("|---|---:|---:|---:|");
            foreach ((string key, (int agree, int total)) in byTopology)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {total} | {agree} | {100.0 * agree / total:F1} |");
            }

            return text.ToString();
        }

        private static void Count(SortedDictionary<string, (int Agree, int Total)> table, string key, bool same)
        {
            table.TryGetValue(key, out (int Agree, int Total) v);
            table[key] = (v.Agree + (same ? 1 : 0), v.Total + 1);
        }
    }
}
