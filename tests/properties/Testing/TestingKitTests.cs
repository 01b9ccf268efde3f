using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using SimNet.Faults;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Testing;

/// <summary>SimNet.Testing: the seed convention, the generators, their shrinkers, and the swarm runner.</summary>
public class TestingKitTests
{
    private static List<int> Drawn(long seed)
    {
        var seen = new List<int>();
        var replay = new Replay(new Rnd(unchecked((ulong)seed), SimNetSeed.Gamma), FSharpOption<int>.None);
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(30).WithQuietOnSuccess(true).WithReplay(replay),
            Prop.ForAll(Arb.From(Gen.Choose(0, 1_000_000)), (int x) => seen.Add(x)));
        return seen;
    }

    [SimNetProperty(MaxTest = 20)]
    public Property One_SimNet_seed_regenerates_every_case_of_a_property_run_in_order_and_another_seed_does_not() =>
        Prop.ForAll(Arb.From(Seeds.Any), seed =>
        {
            Assert.Equal(Drawn(seed), Drawn(seed));
            Assert.NotEqual(Drawn(seed), Drawn(seed ^ 1));
        });

    [Fact]
    public void The_replay_line_names_the_seed_the_variable_and_the_test()
    {
        Assert.Equal("(1234,11400714819323198485)", SimNetSeed.ToFsCheckReplay(1234));
        Assert.Equal(
            "SimNet seed 1234. Replay: SIMNET_SEED=1234 dotnet test --filter \"FullyQualifiedName~My.Tests.Rule\"",
            SimNetSeed.ReplayLine(1234, "My.Tests.Rule"));
    }

    [SimNetProperty(MaxTest = 5)]
    public Property A_SimNet_property_runs_under_its_printed_seed() =>
        Prop.ForAll(Arb.From(Gen.Constant(0)), _ =>
        {
            long? seed = SimNetSeed.Current;
            Assert.NotNull(seed);
            if (SeedReplay.FixedSeed is { } pinned)
            {
                Assert.Equal(pinned, seed);
            }
        });

    [SimNetProperty(MaxTest = 25)]
    public Property In_a_routed_topology_every_host_reaches_every_other_by_UDP_over_IPv4_and_IPv6_across_the_routers() =>
        Prop.ForAll(Arb.From(Topologies.Routed()), spec =>
        {
            var net = new Network(spec);
            int n = net.Hosts.Length;
            var families = spec.IPv6 ? new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 } : new[] { AddressFamily.InterNetwork };
            foreach (AddressFamily family in families)
            {
                var sockets = new Socket[n];
                for (int h = 0; h < n; h++)
                {
                    sockets[h] = new Socket(net.Hosts[h], family, SocketType.Dgram, ProtocolType.Udp);
                    sockets[h].Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 7000));
                }

                for (int from = 0; from < n; from++)
                {
                    for (int to = 0; to < n; to++)
                    {
                        int segment = spec.HostSegments[to][0];
                        IPAddress address = family == AddressFamily.InterNetwork ? Network.Address(to, segment) : Network.Address6(to, segment);
                        sockets[from].SendTo(new[] { (byte)from }, new IPEndPoint(address, 7000));
                    }
                }

                net.Sim.RunUntilIdle();
                for (int to = 0; to < n; to++)
                {
                    var got = new List<byte>();
                    var buffer = new byte[16];
                    sockets[to].Blocking = false;
                    while (sockets[to].Available > 0)
                    {
                        EndPoint any = new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
                        sockets[to].ReceiveFrom(buffer, ref any);
                        got.Add(buffer[0]);
                    }

                    got.Sort();
                    Assert.Equal(Enumerable.Range(0, n).Select(i => (byte)i), got);
                    sockets[to].Dispose();
                }
            }
        });

    [SimNetProperty(MaxTest = 40)]
    public Property Topology_shrinks_are_smaller_and_still_build() =>
        Prop.ForAll(Arb.From(Topologies.Any(minHosts: 2)), spec =>
        {
            int Size(TopologySpec s) => s.HostSegments.Length * 100 + s.HostSegments.Sum(h => h.Length) + (s.IPv6 ? 1 : 0);
            foreach (TopologySpec smaller in Topologies.Shrink(spec, minHosts: 2))
            {
                Assert.True(Size(smaller) < Size(spec), $"{smaller} is not smaller than {spec}");
                Assert.True(smaller.HostSegments.Length >= 2);
                Assert.Equal(smaller.HostSegments.Length, new Network(smaller).Hosts.Length);
            }
        });

    [SimNetProperty(MaxTest = 40)]
    public Property Fault_schedules_shrink_toward_fewer_and_shorter_faults() =>
        Prop.ForAll(Arb.From(FaultGen.Schedule(4, TimeSpan.FromSeconds(1), maxFaults: 5)), schedule =>
        {
            Assert.All(schedule.Faults, f => Assert.True(f.At < f.Until && f.A != f.B && f.Until <= TimeSpan.FromSeconds(1)));
            foreach (FaultSchedule smaller in FaultGen.Shrink(schedule))
            {
                bool fewer = smaller.Faults.Count < schedule.Faults.Count;
                bool shorter = smaller.Faults.Count == schedule.Faults.Count
                    && smaller.Faults.Zip(schedule.Faults).All(p => p.First.Until - p.First.At <= p.Second.Until - p.Second.At)
                    && smaller.Faults.Zip(schedule.Faults).Any(p => p.First.Until - p.First.At < p.Second.Until - p.Second.At);
                Assert.True(fewer || shorter, $"{smaller} is not smaller than {schedule}");
            }
        });

    [Fact]
    public void A_failing_property_over_a_swarm_shrinks_to_the_one_fault_that_breaks_it()
    {
        // The rule "no host ever crashes" fails exactly when a crash is drawn; shrinking must cut the rest away.
        string? message = null;
        try
        {
            Check.One(
                Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true),
                Swarm.ForAll(run => Assert.DoesNotContain(run.Faults.Faults, f => f.Kind == FaultKind.Crash)));
        }
        catch (Exception e)
        {
            message = e.Message;
        }

        Assert.NotNull(message);
        string shrunk = message!.Split("Shrunk")[^1];
        Assert.Contains("faults=[crash(", shrunk);
        Assert.DoesNotContain("),", shrunk.Split("faults=[")[1].Split(']')[0]); // one fault left
        Assert.Contains("loss=0 dup=0 reorder=0", shrunk);
    }

    [SimNetProperty(MaxTest = 25)]
    public Property Under_any_swarm_of_faults_every_datagram_ends_exactly_once_with_a_reason_for_each_drop() =>
        Swarm.ForAll(run =>
        {
            Network net = run.Build();
            Simulation sim = net.Sim;
            int n = net.Hosts.Length;
            var sockets = new List<Socket>();
            for (int h = 0; h < n; h++)
            {
                var s = new Socket(net.Hosts[h], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                s.Bind(new IPEndPoint(IPAddress.Any, 9000));
                sockets.Add(s);
            }

            for (int i = 0; i < 200; i++)
            {
                int from = i % n;
                int to = (i * 7 + 1) % n;
                if (net.Hosts[from].IsUp && from != to)
                {
                    try
                    {
                        sockets[from].SendTo(new byte[i % 50], new IPEndPoint(Network.Address(to, 0), 9000));
                    }
                    catch (SocketException)
                    {
                        // A crash closed this socket: the trace owes it nothing.
                    }
                    catch (ObjectDisposedException)
                    {
                    }
                }

                sim.RunFor(TimeSpan.FromMilliseconds(10));
            }

            sim.RunFor(Swarm.DefaultHorizon);
            sim.Release();
            sim.RunUntilIdle();
            Trace t = sim.Trace;
            long dropped = Enum.GetValues<DropReason>().Sum(r => t.Dropped(r));
            Assert.Equal(0, t.Dropped(DropReason.None));
            Assert.Equal(t.Count(TraceKind.Send) + t.Count(TraceKind.Copy), t.Count(TraceKind.Deliver) + dropped);
        });
}
