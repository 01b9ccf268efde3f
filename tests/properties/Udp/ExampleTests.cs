using System.Net;
using System.Net.Sockets;
using SimNet.Tracing;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Udp;

public class ExampleTests
{
    [Fact]
    public void The_readme_example_delivers_hi_from_a_to_b()
    {
        var sim = new Simulation(seed: 42);
        var lan = sim.AddSegment("lan");
        var a = sim.AddHost("a"); a.AddAdapter("eth0", lan, "10.0.0.1/24");
        var b = sim.AddHost("b"); b.AddAdapter("eth0", lan, "10.0.0.2/24");
        using var rx = new Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rx.Bind(new IPEndPoint(IPAddress.Any, 5000));
        using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        tx.SendTo("hi"u8, new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
        sim.RunUntilIdle();

        var buffer = new byte[16];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        int n = rx.ReceiveFrom(buffer, ref from);
        Assert.Equal("hi", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.1"), ((IPEndPoint)tx.LocalEndPoint!).Port), from);
        Assert.Equal(1, sim.Trace.Count(TraceKind.Deliver));
    }

    [Fact]
    public void Application_code_keeps_the_real_constructor_inside_host_Run()
    {
        var sim = new Simulation(seed: 7);
        var lan = sim.AddSegment("lan");
        var a = sim.AddHost("a"); a.AddAdapter("eth0", lan, "10.0.0.1/24");
        var b = sim.AddHost("b"); b.AddAdapter("eth0", lan, "10.0.0.2/24");
        string? received = null;
        Task server = sim.Spawn(b, async () =>
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Any, 9000));
            var buf = new byte[64];
            SocketReceiveFromResult r = await s.ReceiveFromAsync(buf, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
            received = System.Text.Encoding.UTF8.GetString(buf, 0, r.ReceivedBytes);
            await s.SendToAsync(buf.AsMemory(0, r.ReceivedBytes), r.RemoteEndPoint);
        });
        a.Run(async () =>
        {
            using var c = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            await Task.Delay(TimeSpan.FromSeconds(1), sim.Clock);
            c.Connect(IPAddress.Parse("10.0.0.2"), 9000);
            c.Send("ping"u8);
            var buf = new byte[64];
            int n = await c.ReceiveAsync(buf.AsMemory());
            Assert.Equal("ping", System.Text.Encoding.UTF8.GetString(buf, 0, n));
        });
        Assert.True(server.IsCompletedSuccessfully);
        Assert.Equal("ping", received);
        Assert.Equal(TimeSpan.FromSeconds(1), sim.Clock.Elapsed);
    }

    [Fact]
    public void A_receive_that_nothing_can_complete_reports_a_deadlock_instead_of_hanging()
    {
        var sim = new Simulation(seed: 1);
        var h = sim.AddHost("h");
        using var s = new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 4000));
        var e = Assert.Throws<SimNet.SimulationDeadlockException>(() => s.Receive(new byte[10]));
        Assert.False(typeof(SocketException).IsAssignableFrom(e.GetType()), "a deadlock must not be catchable as a socket timeout");
        Assert.Contains("127.0.0.1:4000", e.Message);
    }
}
