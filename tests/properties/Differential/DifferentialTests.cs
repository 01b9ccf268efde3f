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
        var hung = new List<string>();
        RealHalf? real = RealHalf.Start(out string why);
        string? dumpPath = Environment.GetEnvironmentVariable("SIMNET_DIFF_DUMP");
        using StreamWriter? dump = dumpPath is null ? null : new StreamWriter(dumpPath);
        Say(why);
        for (int i = 0; i < count; i++)
        {
            Scenario scenario = Generator.Generate(seed, i, v6: true, tcp: true);
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

            List<string> linux;
            try
            {
                linux = real.Run(scenario, basePort);
            }
            catch (TimeoutException)
            {
                // The real half never finished a step (a blocking .NET call the generator should not have
                // drawn): every step of the scenario counts as disagreeing, and a new real half starts.
                hung.Add(scenario.ToString());
                real.Dispose();
                real = RealHalf.Start(out why);
                linux = new List<string>();
                if (real is null)
                {
                    Say(why);
                    break;
                }
            }

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
            foreach (string protocol in tally.Protocols)
            {
                Say($"  {protocol}: {tally.Summary(protocol)}");
            }
        }

        if (real is not null)
        {
            Say(tally.Table());
            foreach (Scenario s in divergent.Take(Setting("SIMNET_DIFF_SHOW", 5)))
            {
                try
                {
                    Say(Explain(real, Shrink(real, s)));
                }
                catch (TimeoutException e)
                {
                    Say($"shrinking stopped: {e.Message}");
                    break; // the child was killed; nothing more to ask it
                }
            }
        }

        foreach (string h in hung)
        {
            Say($"the real half hung (killed after 20 s, counted as disagreeing): {h}");
        }

        real?.Dispose();
        Assert.True(unconserved.Count == 0, $"packets sent that never ended:\n{string.Join('\n', unconserved.Take(10))}");
        if (real is not null)
        {
            Assert.True(tally.Agreement >= Required, $"step agreement {tally.Agreement:P2} is below {Required:P0}: {tally.Summary()}");
            foreach (string protocol in tally.Protocols)
            {
                Assert.True(tally.AgreementOf(protocol) >= Required, $"{protocol} step agreement is below {Required:P0}: {tally.Summary(protocol)}");
            }
        }
    }

    /// <summary>Scenario i's fixed ports are BasePort(i) + 1 and + 2: distinct for 4,000 scenarios, so a TCP port a scenario left in TIME_WAIT is not met again for minutes.</summary>
    private static int BasePort(int i) => 20000 + (i % 4000 * 3);

    /// <summary>Ports for the shrinker's and the explainer's reruns, apart from the campaign's (10,000 to 19,999), handed out in turn.</summary>
    private static int RerunPort() => 10000 + (Interlocked.Increment(ref reruns) % 3300 * 3);

    private static int reruns;

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
            int port = RerunPort();
            return FirstDifference(real.Run(s, port), SimWorld.Run(s, port).Lines);
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
        int port = RerunPort();
        List<string> linux = real.Run(scenario, port);
        List<string> sim = SimWorld.Run(scenario, port).Lines;
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
        private readonly SortedDictionary<string, (int Agree, int Total, int Scenarios, int ScenariosAgreeing)> byProtocol = new(StringComparer.Ordinal);
        private int scenarios;
        private int scenariosAgreeing;

        public int Agree { get; private set; }

        public int Total { get; private set; }

        public double Agreement => Total == 0 ? 1 : (double)Agree / Total;

        /// <summary>Counts one scenario; true when some step differs.</summary>
        public bool Add(Scenario scenario, List<string> linux, List<string> sim)
        {
            bool differs = linux.Count != sim.Count;
            string kind = $"{scenario.Protocol} {scenario.Family}";
            int agree = 0;
            for (int i = 0; i < scenario.Steps.Length; i++)
            {
                bool same = i < linux.Count && i < sim.Count && linux[i] == sim[i];
                differs |= !same;
                Count(byOp, $"{scenario.Steps[i].Op} {kind}", same);
                Count(byTopology, $"{scenario.Topology} {kind}", same);
                agree += same ? 1 : 0;
            }

            Agree += agree;
            Total += scenario.Steps.Length;
            scenarios++;
            scenariosAgreeing += differs ? 0 : 1;
            byProtocol.TryGetValue(scenario.Protocol, out var p);
            byProtocol[scenario.Protocol] = (p.Agree + agree, p.Total + scenario.Steps.Length, p.Scenarios + 1, p.ScenariosAgreeing + (differs ? 0 : 1));
            return differs;
        }

        /// <summary>The protocols seen (TCP, UDP).</summary>
        public IEnumerable<string> Protocols => byProtocol.Keys;

        public double AgreementOf(string protocol) => byProtocol[protocol] is var p && p.Total == 0 ? 1 : (double)byProtocol[protocol].Agree / byProtocol[protocol].Total;

        public string Summary() =>
            $"{Agree} of {Total} steps agree ({Agreement:P2}); {scenariosAgreeing} of {scenarios} scenarios agree end to end";

        public string Summary(string protocol)
        {
            var p = byProtocol[protocol];
            return $"{p.Agree} of {p.Total} steps agree ({AgreementOf(protocol):P2}); {p.ScenariosAgreeing} of {p.Scenarios} scenarios agree end to end";
        }

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
