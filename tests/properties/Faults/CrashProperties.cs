using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Kernel;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using SimNet.Transport;
using Xunit;

namespace SimNet.Properties.Faults;

public class CrashProperties
{
    /// <summary>An echo server on port 9000 that takes <paramref name="bootTime"/> to start, and also holds an ephemeral socket.</summary>
    private static Host AddEchoServer(Simulation sim, TimeSpan bootTime, List<(UdpEndpoint Echo, UdpEndpoint Ephemeral)> boots, Segment lan) 
    {
        Host server = sim.AddHost("server", async (host, stop) =>
        {
            await Task.Delay(bootTime, sim.Clock, stop);
            UdpEndpoint echo = FaultWorld.Open(host, 9000);
            UdpEndpoint ephemeral = FaultWorld.Open(host, 0);
            boots.Add((echo, ephemeral));
            byte[] buffer = new byte[2048];
            while (true)
            {
                ReceivedDatagram d = await echo.ReceiveAsync(buffer);
                lock (sim.Gate)
                {
                    echo.SendTo(buffer.AsSpan(0, d.Length), d.Source, d.SourcePort);
                }
            }
        });
        server.AddAdapter("eth0", lan, "10.0.0.1/24");
        return server;
    }

    [SimNetProperty(MaxTest = 40)]
    public Property A_crashed_hosts_peers_hear_silence_then_port_unreachable_until_its_restarted_software_binds_again() =>
        Seeds.ForAll(seed =>
        {
            var draw = new SimRandom(unchecked((ulong)seed) ^ 0xC4A5UL);
            var sim = new Simulation(seed);
            Segment lan = sim.AddSegment("lan");
            lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(draw.Next(0, 10)) };
            var bootTime = TimeSpan.FromMilliseconds(draw.Next(50, 500));
            var boots = new List<(UdpEndpoint Echo, UdpEndpoint Ephemeral)>();
            Host server = AddEchoServer(sim, bootTime, boots, lan);
            Host client = sim.AddHost("client");
            client.AddAdapter("eth0", lan, "10.0.0.2/24");
            UdpEndpoint c = FaultWorld.Open(client, 0);
            Assert.Equal(SocketError.Success, c.Connect(IPAddress.Parse("10.0.0.1"), 9000));
            byte[] buf = new byte[100];

            SocketError Ping()
            {
                c.SendTo("ping"u8, IPAddress.Parse("10.0.0.1"), 9000);
                sim.RunFor(TimeSpan.FromSeconds(1));
                SocketError e = c.TryReceive(buf, false, out _);
                while (c.TryReceive(buf, false, out _) == SocketError.Success)
                {
                }

                return e;
            }

            sim.RunFor(bootTime + TimeSpan.FromMilliseconds(draw.Next(1, 100)));
            Assert.Equal(SocketError.Success, Ping());
            Assert.Equal(1, server.Boots);

            server.Crash();
            Assert.False(server.IsUp);
            Assert.Empty(server.Udp.Bound);
            Assert.True(boots[0].Echo.Closed && boots[0].Ephemeral.Closed);
            long hostDown = sim.Trace.Dropped(DropReason.HostDown);
            int silentPings = draw.Next(1, 4);
            for (int i = 0; i < silentPings; i++)
            {
                Assert.Equal(SocketError.WouldBlock, Ping()); // silence: no echo, no ICMP
            }

            Assert.Equal(hostDown + silentPings, sim.Trace.Dropped(DropReason.HostDown));
            sim.RunFor(TimeSpan.FromSeconds(draw.Next(0, 5)));

            server.Restart();
            Assert.True(server.IsUp);
            Assert.Equal(2, server.Boots);

            // Up but still booting: the kernel answers port unreachable, the connected client sees ConnectionRefused.
            c.SendTo("ping"u8, IPAddress.Parse("10.0.0.1"), 9000);
            sim.RunFor(TimeSpan.FromMilliseconds(40));
            Assert.Equal(SocketError.ConnectionRefused, c.TryReceive(buf, false, out _));
            Assert.True(sim.Trace.Dropped(DropReason.PortUnreachable) >= 1);

            sim.RunFor(bootTime);
            Assert.Equal(SocketError.Success, Ping());

            // The restarted software has fresh sockets; the old ones stay dead and unbound.
            Assert.Equal(2, boots.Count);
            Assert.NotSame(boots[0].Echo, boots[1].Echo);
            Assert.NotSame(boots[0].Ephemeral, boots[1].Ephemeral);
            Assert.False(boots[1].Echo.Closed);
            Assert.Equal(new[] { boots[1].Echo, boots[1].Ephemeral }, server.Udp.Bound);
            Assert.InRange(boots[1].Ephemeral.LocalPort, PortTable<UdpEndpoint>.EphemeralLow, PortTable<UdpEndpoint>.EphemeralHigh);
            Assert.Null(server.SoftwareFault);
        });

    [SimNetProperty(MaxTest = 30)]
    public Property Crash_cancels_the_software_and_restart_runs_it_again_from_scratch() =>
        Seeds.ForAll(seed =>
        {
            var draw = new SimRandom(unchecked((ulong)seed) ^ 0xABCUL);
            var sim = new Simulation(seed);
            var starts = new List<TimeSpan>();
            var cancelled = new List<TimeSpan>();
            Host h = sim.AddHost("worker", async (host, stop) =>
            {
                starts.Add(sim.Clock.Elapsed);
                Assert.Same(host, Host.Current);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, sim.Clock, stop);
                }
                catch (OperationCanceledException)
                {
                    cancelled.Add(sim.Clock.Elapsed);
                    throw;
                }
            });
            int cycles = draw.Next(1, 5);
            for (int i = 0; i < cycles; i++)
            {
                sim.RunFor(TimeSpan.FromSeconds(draw.Next(1, 10)));
                h.Crash();
                sim.RunFor(TimeSpan.FromSeconds(draw.Next(0, 10)));
                Assert.Equal(i + 1, cancelled.Count);
                h.Restart();
            }

            sim.RunFor(TimeSpan.FromSeconds(1));
            Assert.Equal(cycles + 1, starts.Count);
            Assert.Equal(cycles + 1, h.Boots);
            Assert.Throws<InvalidOperationException>(() => h.Restart());
            Assert.Null(h.SoftwareFault);
        });

    [SimNetProperty(MaxTest = 30)]
    public Property A_down_adapter_drops_what_reaches_it_and_carries_traffic_again_once_up() =>
        Seeds.ForAll(seed =>
        {
            var w = FaultWorld.Draw(seed, 2, 4);
            var draw = new SimRandom(unchecked((ulong)seed) ^ 0xAD0UL);
            NetworkAdapter nic = w.Hosts[1].Adapters[0];
            int before = draw.Next(0, 5), during = draw.Next(1, 5), after = draw.Next(1, 5);
            for (int i = 0; i < before; i++)
            {
                w.Send(0, 1, i);
            }

            w.Sim.RunUntilIdle();
            nic.IsUp = false;
            for (int i = 0; i < during; i++)
            {
                w.Send(0, 1, 100 + i);
            }

            w.Sim.RunUntilIdle();
            Assert.Equal(during, w.Sim.Trace.Dropped(DropReason.AdapterDown));
            Assert.NotEqual(SocketError.Success, w.Send(1, 0, 0)); // no route out of a host whose only adapter is down
            nic.IsUp = true;
            for (int i = 0; i < after; i++)
            {
                w.Send(0, 1, 200 + i);
            }

            w.Sim.RunUntilIdle();
            var seqs = w.Drain(1).Select(g => g.Seq).ToList();
            Assert.Equal(Enumerable.Range(0, before).Concat(Enumerable.Range(200, after)), seqs);
        });
}
