using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Hardening;

/// <summary>README promises that calls from other threads are safe: two threads use one simulation at once.</summary>
public class TwoThreadTests
{
    [Fact]
    public void One_thread_drives_and_runs_an_echo_server_while_another_calls_in_at_once_and_every_reply_arrives_intact_and_the_ledger_balances() =>
        FindingRegressionTests.WithinWallClock(TimeSpan.FromSeconds(60), () =>
        {
            const int Requests = 200;
            var sim = new Simulation(42);
            Segment lan = sim.AddSegment("lan");
            lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(1), LossRate = 0.05 };
            Host a = sim.AddHost("a");
            a.AddAdapter("eth0", lan, "10.0.0.1/24");
            Host b = sim.AddHost("b");
            b.AddAdapter("eth0", lan, "10.0.0.2/24");
            using var server = new Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
            server.Bind(new IPEndPoint(IPAddress.Any, 7));
            var done = new ManualResetEventSlim();
            Exception? clientFailure = null;
            int answered = 0;

            // Thread 2: a client calling in from outside the simulation while thread 1 drives it.
            var clientThread = new Thread(() =>
            {
                try
                {
                    using var client = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
                    client.Bind(new IPEndPoint(IPAddress.Any, 0));
                    var target = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 7);
                    var reply = new byte[16];
                    for (int i = 0; i < Requests; i++)
                    {
                        // Bounded in sends spaced out in simulated time, not in loop turns or elapsed time: under a loaded
                        // test run either thread may go without a core for a while. A count of Thread.Yield calls ran out
                        // while the driver stood still, and a simulated-time limit would run out while the client stood
                        // still; 100 sends at least 20 simulated ms apart, each answered within about 2 ms unless the
                        // 5 % loss takes the request or the reply, do not. A world that stops fails WithinWallClock.
                        bool got = false;
                        TimeSpan sentAt = TimeSpan.Zero;
                        for (int sends = 0; !got;)
                        {
                            TimeSpan now = sim.Clock.Elapsed;
                            if (sends == 0 || now - sentAt >= TimeSpan.FromMilliseconds(20))
                            {
                                Assert.True(sends < 100, $"request {i} never answered in 100 sends");
                                client.SendTo(BitConverter.GetBytes(i), target); // (re)send: the LAN loses 5 %
                                (sends, sentAt) = (sends + 1, now);
                            }

                            Thread.Yield();
                            while (client.Available > 0)
                            {
                                int n = client.Receive(reply);
                                int value = BitConverter.ToInt32(reply);
                                Assert.True(n == 4 && value <= i, $"reply {value} ({n} bytes) to request {i}");
                                got |= value == i;
                            }
                        }

                        answered++;
                    }
                }
                catch (Exception e)
                {
                    clientFailure = e;
                }
                finally
                {
                    done.Set();
                }
            }) { IsBackground = true };
            clientThread.Start();

            // Thread 1 (this one): drives the simulation and serves echoes, until the client is done.
            var buffer = new byte[16];
            while (!done.IsSet)
            {
                sim.RunFor(TimeSpan.FromMilliseconds(1));
                while (server.Available > 0)
                {
                    EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                    int n = server.ReceiveFrom(buffer, ref from);
                    server.SendTo(buffer.AsSpan(0, n), from);
                }
            }

            Assert.True(clientThread.Join(TimeSpan.FromSeconds(10)));
            Assert.Null(clientFailure);
            Assert.Equal(Requests, answered);
            sim.RunUntilIdle();
            Assert.Null(Ledger.Violation(sim.Trace));
        });
}
