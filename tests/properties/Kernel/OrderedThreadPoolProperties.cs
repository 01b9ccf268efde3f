using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Kernel;

/// <summary>
/// <see cref="Simulation.OrderedThreadPool"/>: the simulation's thread-pool items run one at a time, in the
/// order they were queued, while the rest of the simulation waits.
/// </summary>
public class OrderedThreadPoolProperties
{
    private static (ulong Hash, int[] Order, int Received) Play(long seed, int[] sizes, double loss)
    {
        var sim = new Simulation(seed) { OrderedThreadPool = true };
        Segment lan = sim.AddSegment("lan");
        sim.SetLink(lan, new LinkConditions { Latency = TimeSpan.FromMilliseconds(1), Jitter = TimeSpan.FromMilliseconds(3), LossRate = loss });
        Host a = sim.AddHost("a");
        a.AddAdapter("eth0", lan, "192.0.2.1/24");
        Host b = sim.AddHost("b");
        b.AddAdapter("eth0", lan, "192.0.2.2/24");
        var order = new List<int>();
        int received = 0;
        using var rx = new Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rx.Bind(new IPEndPoint(IPAddress.Any, 9));
        a.Run(async () =>
        {
            using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var hops = new Task[sizes.Length];
            for (int i = 0; i < sizes.Length; i++)
            {
                int hop = i;
                // Several hops queued at once: without ordering their sends race for the link's random draws.
                hops[i] = Task.Run(async () =>
                {
                    lock (order)
                    {
                        order.Add(hop);
                    }

                    tx.SendTo(new byte[sizes[hop]], new IPEndPoint(IPAddress.Parse("192.0.2.2"), 9));
                    await Task.Yield(); // back to the pool: queued behind the other hops
                    tx.SendTo(new byte[sizes[hop] + 1], new IPEndPoint(IPAddress.Parse("192.0.2.2"), 9));
                });
            }

            await Task.WhenAll(hops).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(50), sim.Clock).ConfigureAwait(false);
            while (rx.Available > 0)
            {
                rx.Receive(new byte[2048]);
                received++;
            }
        });
        return (sim.Trace.Hash, order.ToArray(), received);
    }

    [SimNetProperty(MaxTest = 15)]
    public Property Concurrent_thread_pool_hops_run_in_queue_order_and_replay_the_same_trace()
    {
        Gen<(long Seed, int[] Sizes, double Loss)> cases =
            from seed in Gen.Choose(0, int.MaxValue)
            from n in Gen.Choose(2, 6)
            from sizes in Gen.ArrayOf(Gen.Choose(1, 1200), n)
            from lossPct in Gen.Choose(0, 40)
            select ((long)seed, sizes, lossPct / 100.0);
        return Prop.ForAll(Arb.From(cases), c =>
        {
            var first = Play(c.Seed, c.Sizes, c.Loss);
            Assert.Equal(Enumerable.Range(0, c.Sizes.Length), first.Order);
            for (int run = 0; run < 2; run++)
            {
                var again = Play(c.Seed, c.Sizes, c.Loss);
                Assert.Equal(first.Hash, again.Hash);
                Assert.Equal(first.Received, again.Received);
            }
        });
    }

    [Fact]
    public void Turning_ordering_off_releases_the_listener_and_the_simulation_still_runs_hops()
    {
        var sim = new Simulation(3) { OrderedThreadPool = true };
        Assert.True(sim.OrderedThreadPool);
        sim.OrderedThreadPool = false;
        Assert.False(sim.OrderedThreadPool);
        int ran = sim.Run(async () => await Task.Run(() => 42).ConfigureAwait(false));
        Assert.Equal(42, ran);
    }
}
