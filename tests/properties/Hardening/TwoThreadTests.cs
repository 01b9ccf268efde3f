using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Hardening;

/// <summary>README promises that calls from other threads are safe: two threads drive one simulation at once.</summary>
public class TwoThreadTests
{
    [Fact]
    public void Two_threads_making_blocking_calls_on_one_simulation_at_once_get_every_reply_intact_and_the_ledger_balances() =>
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
            using var server = new Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 1000 };
            server.Bind(new IPEndPoint(IPAddress.Any, 7));
            using var client = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 1000 };
            client.Bind(new IPEndPoint(IPAddress.Any, 0));
            var done = new ManualResetEventSlim();
            Exception? serverFailure = null;
            int echoed = 0;

            // Thread 1: an echo server in a loop of blocking receives.
            var serverThread = new Thread(() =>
            {
                try
                {
                    var buffer = new byte[64];
                    while (!done.IsSet)
                    {
                        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                        int n;
                        try
                        {
                            n = server.ReceiveFrom(buffer, ref from);
                        }
                        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
                        {
                            continue; // the other thread was slow in wall time while virtual time ran on
                        }

                        server.SendTo(buffer.AsSpan(0, n), from);
                        Interlocked.Increment(ref echoed);
                    }
                }
                catch (Exception e)
                {
                    serverFailure = e;
                }
            }) { IsBackground = true };
            serverThread.Start();

            // Thread 2 (this one): requests with blocking receives, resent on a timeout (UDP over a lossy LAN).
            var target = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 7);
            var reply = new byte[64];
            for (int i = 0; i < Requests; i++)
            {
                byte[] request = BitConverter.GetBytes(i);
                bool answered = false;
                for (int attempt = 0; attempt < 100 && !answered; attempt++)
                {
                    client.SendTo(request, target);
                    try
                    {
                        while (true)
                        {
                            int n = client.Receive(reply);
                            if (n == 4 && BitConverter.ToInt32(reply) == i)
                            {
                                answered = true;
                                break;
                            }

                            Assert.True(n == 4 && BitConverter.ToInt32(reply) < i, $"reply {BitConverter.ToInt32(reply)} to request {i}"); // a late reply to an earlier resend
                        }
                    }
                    catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
                    {
                    }
                }

                Assert.True(answered, $"request {i} never answered");
            }

            done.Set();
            Assert.True(serverThread.Join(TimeSpan.FromSeconds(30)), "the server thread did not stop");
            Assert.Null(serverFailure);
            Assert.True(echoed >= Requests);
            sim.RunUntilIdle();
            Assert.Null(Ledger.Violation(sim.Trace));
        });
}
