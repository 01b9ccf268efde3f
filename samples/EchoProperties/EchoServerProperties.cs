using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;

namespace EchoProperties;

public class EchoServerProperties
{
    // Any LAN of 2-6 hosts, any link from perfect to 30 % loss: every reply that arrives is an exact echo,
    // and on a perfect link every request gets one. A failure prints the seed and the line that replays it.
    [SimNetProperty(MaxTest = 30)]
    public Property Every_reply_is_an_exact_echo_and_a_perfect_link_loses_none() =>
        Prop.ForAll(Topologies.Arbitrary(), FaultGen.LinkArbitrary(), (spec, link) =>
        {
            var net = new Network(spec with { HostSegments = spec.HostSegments.Select(h => new[] { 0 }).ToArray() });
            net.Sim.SetLink(net.Segments[0], link);
            Host server = net.Hosts[0];
            net.Sim.Spawn(server, () => EchoServer.RunAsync(7, server.Lifetime));

            var replies = new List<string>();
            net.Hosts[1].Run(async () =>
            {
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                for (int i = 0; i < 10; i++)
                {
                    await client.SendToAsync(BitConverter.GetBytes(i), new IPEndPoint(Network.Address(0, 0), 7));
                }

                var buffer = new byte[64];
                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(1), net.Sim.Clock);
                try
                {
                    while (true)
                    {
                        var r = await client.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), patience.Token);
                        replies.Add(Convert.ToHexString(buffer, 0, r.ReceivedBytes));
                    }
                }
                catch (OperationCanceledException)
                {
                    // one virtual second without a reply: done
                }
            });

            var sent = Enumerable.Range(0, 10).Select(i => Convert.ToHexString(BitConverter.GetBytes(i))).ToList();
            Assert.All(replies, r => Assert.Contains(r, sent));
            if (link == LinkConditions.Perfect || (link.LossRate == 0 && link.DuplicationRate == 0))
            {
                Assert.Equal(sent.Order(), replies.Order());
            }
        });

    // The determinism self-check: for any seed, the same exchange run twice records the same trace, event by event.
    // A difference fails with the seed and the first event where the runs part (a wall clock, an unseeded Random...).
    [SimNetProperty(MaxTest = 10)]
    public Property The_echo_exchange_replays_from_its_seed() =>
        Determinism.ForAll(sim =>
        {
            var lan = sim.AddSegment("lan");
            sim.SetLink(lan, new LinkConditions { Latency = TimeSpan.FromMilliseconds(2), LossRate = 0.1 });
            var server = sim.AddHost("server");
            server.AddAdapter("eth0", lan, "10.0.0.1/24");
            var client = sim.AddHost("client");
            client.AddAdapter("eth0", lan, "10.0.0.2/24");
            sim.Spawn(server, () => EchoServer.RunAsync(7, server.Lifetime));
            client.Run(async () =>
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                for (int i = 0; i < 5; i++)
                {
                    await socket.SendToAsync(BitConverter.GetBytes(i), new IPEndPoint(IPAddress.Parse("10.0.0.1"), 7));
                }

                await Task.Delay(TimeSpan.FromSeconds(1), sim.Clock);
            });
        });
}
