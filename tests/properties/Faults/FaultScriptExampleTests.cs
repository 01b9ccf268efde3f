using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Faults;

/// <summary>The fault-injection example of docs/faults.md, with the System.Net.Sockets-shaped API.</summary>
public class FaultScriptExampleTests
{
    [Fact]
    public void The_docs_example_a_client_sees_timeouts_during_a_crash_refusals_while_rebooting_and_echoes_after()
    {
        var sim = new Simulation(seed: 7);
        var lan = sim.AddSegment("lan");
        lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(2), LossRate = 0.0 };

        // The server's software: boots in 200 ms, then echoes. A crash cancels it; a restart runs it again.
        var server = sim.AddHost("server", async (host, stop) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), sim.Clock, stop);
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, 9000));
            var buf = new byte[1500];
            while (true)
            {
                var r = await s.ReceiveFromAsync(buf, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop);
                await s.SendToAsync(buf.AsMemory(0, r.ReceivedBytes), r.RemoteEndPoint);
            }
        });
        server.AddAdapter("eth0", lan, "10.0.0.1/24");
        var client = sim.AddHost("client");
        client.AddAdapter("eth0", lan, "10.0.0.2/24");

        // The fault script, in virtual time.
        sim.At(TimeSpan.FromSeconds(2), _ => server.Crash());
        sim.At(TimeSpan.FromSeconds(5), _ => server.Restart());

        using var c = new Socket(client, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 500 };
        c.Connect(IPAddress.Parse("10.0.0.1"), 9000);
        var outcomes = new List<string>();
        for (int second = 1; second <= 7; second++)
        {
            sim.RunFor(sim.Clock.Elapsed < TimeSpan.FromSeconds(second) ? TimeSpan.FromSeconds(second) - sim.Clock.Elapsed : TimeSpan.Zero);
            c.Send("ping"u8);
            try
            {
                int n = c.Receive(new byte[100]);
                outcomes.Add($"{second}s echo {n}");
            }
            catch (SocketException e)
            {
                outcomes.Add($"{second}s {e.SocketErrorCode}");
            }
        }

        Assert.Equal(
            new[] { "1s echo 4", "2s TimedOut", "3s TimedOut", "4s TimedOut", "5s ConnectionRefused", "6s echo 4", "7s echo 4" },
            outcomes);
        Assert.Equal(3, sim.Trace.Dropped(DropReason.HostDown));
        Assert.Equal(2, server.Boots);
    }
}
