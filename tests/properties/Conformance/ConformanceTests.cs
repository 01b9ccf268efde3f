extern alias real;
extern alias sim;

using System.Text;
using Xunit;
using RealRunner = real::SimNet.Conformance.Runner;
using SimRunner = sim::SimNet.Conformance.Runner;

namespace SimNet.Properties.Conformance;

/// <summary>
/// Runs every scenario of tests/conformance/Scenarios twice, against real System.Net.Sockets on
/// Linux loopback and against SimNet.Sockets on a loopback-only simulated host, and asserts the
/// outcomes are equal, except where <see cref="KnownDifferences"/> documents a measured difference.
/// </summary>
public class ConformanceTests
{
    public static TheoryData<string> Scenarios => new(SimRunner.Names);

    [Fact]
    public void Both_stacks_compile_the_same_scenarios()
    {
        Assert.Equal(RealRunner.Names, SimRunner.Names);
        Assert.True(SimRunner.Names.Count >= 40, $"only {SimRunner.Names.Count} scenarios");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Scenario_behaves_as_on_real_Linux_loopback(string scenario)
    {
        IReadOnlyList<string> realLines = RealRunner.Run(scenario);
        IReadOnlyList<string> simLines = SimRunner.Run(scenario);
        IReadOnlyList<string> expected = KnownDifferences.Expect(scenario, realLines);
        if (!expected.SequenceEqual(simLines))
        {
            Assert.Fail(Report(scenario, realLines, expected, simLines));
        }
    }

    private static string Report(string scenario, IReadOnlyList<string> real, IReadOnlyList<string> expected, IReadOnlyList<string> sim)
    {
        var text = new StringBuilder();
        text.AppendLine($"Scenario {scenario}: SimNet differs from {RealRunner.Stack}.");
        int n = Math.Max(expected.Count, sim.Count);
        for (int i = 0; i < n; i++)
        {
            string e = i < expected.Count ? expected[i] : "(nothing)";
            string s = i < sim.Count ? sim[i] : "(nothing)";
            text.AppendLine(e == s ? $"    {e}" : $"  - real:   {(i < real.Count ? real[i] : "(nothing)")}{(e != (i < real.Count ? real[i] : null) ? $"  (documented SimNet: {e})" : string.Empty)}\n  + simnet: {s}");
        }

        return text.ToString();
    }
}
