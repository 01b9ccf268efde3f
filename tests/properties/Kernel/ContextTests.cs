using System.Net;
using System.Net.Sockets;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Kernel;

public class ContextTests
{
    [Fact]
    public void Awaiting_spawned_work_through_WhenAll_inside_Run_never_reports_a_false_deadlock()
    {
        for (int round = 0; round < 50; round++)
        {
            var sim = new Simulation(round);
            var h = sim.AddHost("h");
            sim.Run(async () =>
            {
                await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => sim.Spawn(h, async () => await Task.Yield())));
                await Task.Delay(TimeSpan.FromMilliseconds(5), sim.Clock);
            });
            Assert.Equal(TimeSpan.FromMilliseconds(5), sim.Clock.Elapsed);
        }
    }

    [Fact]
    public void Async_receives_combined_with_WhenAll_complete_on_the_simulation_thread_in_order()
    {
        for (int round = 0; round < 20; round++)
        {
            var sim = new Simulation(round);
            var lan = sim.AddSegment("lan");
            var a = sim.AddHost("a"); a.AddAdapter("eth0", lan, "10.0.0.1/24");
            var b = sim.AddHost("b"); b.AddAdapter("eth0", lan, "10.0.0.2/24");
            var order = new List<int>();
            b.Run(async () =>
            {
                var sockets = Enumerable.Range(0, 3).Select(i =>
                {
                    var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    s.Bind(new IPEndPoint(IPAddress.Any, 7000 + i));
                    return s;
                }).ToArray();
                var receives = sockets.Select(async (s, i) =>
                {
                    await s.ReceiveAsync(new byte[8].AsMemory());
                    order.Add(i);
                }).ToArray();
                using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                foreach (int i in new[] { 2, 0, 1 })
                {
                    tx.SendTo(new byte[1], new IPEndPoint(IPAddress.Parse("10.0.0.2"), 7000 + i));
                }

                await Task.WhenAll(receives);
                await Task.Delay(TimeSpan.FromMilliseconds(1), sim.Clock);
            });
            Assert.Equal(new[] { 2, 0, 1 }, order);
        }
    }
}
