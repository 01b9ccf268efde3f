using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Faults;
using SimNet.Kernel;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Testing;

/// <summary>SimNet.Testing's <see cref="Determinism"/>: the determinism self-check as an assertion and as a property.</summary>
public class DeterminismAssertionTests
{
    /// <summary>
    /// A LAN of 2-4 hosts drawn from the simulation's seed, 5 % loss, each host sending <paramref name="extra"/>(run)
    /// more datagrams to its neighbour than the seed alone says: 0 for a scenario that replays.
    /// </summary>
    private static void Exchange(Simulation sim, Func<int> extra)
    {
        var draw = new SimRandom(unchecked((ulong)sim.Seed));
        Segment lan = sim.AddSegment("lan");
        lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(1), LossRate = 0.05 };
        int n = draw.Next(2, 5);
        var hosts = new List<Host>();
        for (int i = 0; i < n; i++)
        {
            Host h = sim.AddHost($"h{i}");
            h.AddAdapter("eth0", lan, $"10.0.0.{i + 1}/24");
            hosts.Add(h);
        }

        for (int i = 0; i < n; i++)
        {
            Host from = hosts[i];
            int to = (i + 1) % n;
            int count = draw.Next(1, 6) + extra();
            sim.Run(from, async () =>
            {
                using var s = new Socket(from, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                for (int k = 0; k < count; k++)
                {
                    await s.SendToAsync(new byte[10 + k], new IPEndPoint(IPAddress.Parse($"10.0.0.{to + 1}"), 9));
                }
            });
        }

        sim.RunUntilIdle();
    }

    [SimNetProperty(MaxTest = 10)]
    public Property A_scenario_built_from_its_seed_replays_and_the_property_passes() =>
        Determinism.ForAll(sim => Exchange(sim, () => 0));

    [Fact]
    public void A_replaying_scenario_returns_the_checks_report_which_says_the_runs_agree()
    {
        DeterminismReport report = Determinism.AssertReplays(seed: 5, sim => Exchange(sim, () => 0), runs: 3);
        Assert.True(report.Agrees);
        Assert.Equal(3, report.Runs);
        Assert.Contains("agree", report.ToString());
    }

    [Fact]
    public void Runs_that_part_fail_with_the_seed_the_first_differing_event_of_each_run_and_the_events_before_it()
    {
        int run = 0;
        var e = Assert.Throws<NondeterminismException>(() => Determinism.AssertReplays(seed: 9, sim =>
        {
            run++;
            Exchange(sim, () => 0);
            using var s = new Socket(sim.Hosts[0], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.SendTo(new byte[100 + run], new IPEndPoint(IPAddress.Parse("10.0.0.2"), 9)); // a length that leaks the run number
            sim.RunUntilIdle();
        }));
        string[] lines = e.Message.Split(Environment.NewLine);
        Assert.StartsWith("Seed 9: The runs part at trace event ", lines[0], StringComparison.Ordinal);
        string minus = lines.First(l => l.StartsWith("  - ", StringComparison.Ordinal));
        string plus = lines.First(l => l.StartsWith("  + ", StringComparison.Ordinal));
        Assert.Contains(" Send UDP ", minus, StringComparison.Ordinal);
        Assert.EndsWith("len=101 at h0/eth0", minus, StringComparison.Ordinal);
        Assert.Equal(minus.Replace("len=101", "len=102", StringComparison.Ordinal)[4..], plus[4..]); // the same event but for the length
        Assert.Equal(3, lines.Count(l => l.StartsWith("    ", StringComparison.Ordinal))); // the events both runs share just before
        Assert.Contains("driving thread", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_that_records_more_says_where_the_shorter_trace_ends()
    {
        int run = 0;
        var e = Assert.Throws<NondeterminismException>(() => Determinism.AssertReplays(() =>
        {
            var sim = new Simulation(3);
            Exchange(sim, () => run);
            run++;
            return sim;
        }));
        Assert.Contains("  - ", e.Message, StringComparison.Ordinal);
        Assert.Contains("  + ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Seed ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_property_fails_for_a_scenario_that_does_not_replay_and_names_the_seed()
    {
        int runs = 0;
        Property leaky = Determinism.ForAll(sim =>
        {
            int run = runs++;
            Exchange(sim, () => run % 2); // the second run of each seed sends one datagram more per host
        });
        Exception e = Assert.ThrowsAny<Exception>(() => Check.One(Config.QuickThrowOnFailure.WithMaxTest(3).WithQuietOnSuccess(true), leaky));
        Assert.Contains("Seed ", e.Message, StringComparison.Ordinal);
        Assert.Contains("The runs part at trace event", e.Message, StringComparison.Ordinal);
    }
}
