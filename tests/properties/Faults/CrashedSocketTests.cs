using System.Net;
using System.Net.Sockets;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Faults;

public class CrashedSocketTests
{
    [Fact]
    public void A_socket_left_over_from_before_a_crash_fails_with_NetworkDown_and_never_sends_or_blocks()
    {
        var sim = new Simulation(4);
        var lan = sim.AddSegment("lan");
        var a = sim.AddHost("a"); a.AddAdapter("eth0", lan, "10.0.0.1/24");
        var b = sim.AddHost("b"); b.AddAdapter("eth0", lan, "10.0.0.2/24");
        using var stale = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        stale.Bind(new IPEndPoint(IPAddress.Any, 5000));
        a.Crash();
        a.Restart();
        long sent = sim.Trace.Count(Tracing.TraceKind.Send);
        var send = Assert.Throws<SocketException>(() => stale.SendTo(new byte[1], new IPEndPoint(IPAddress.Parse("10.0.0.2"), 9)));
        Assert.Equal(SocketError.NetworkDown, send.SocketErrorCode);
        Assert.Equal(sent, sim.Trace.Count(Tracing.TraceKind.Send));
        var receive = Assert.Throws<SocketException>(() => stale.Receive(new byte[8]));
        Assert.Equal(SocketError.NetworkDown, receive.SocketErrorCode);
        Assert.Equal(SocketError.NetworkDown, Assert.Throws<SocketException>(() => stale.Connect(IPAddress.Parse("10.0.0.2"), 9)).SocketErrorCode);

        // The restarted host can bind the same port again: the stale socket no longer holds it.
        using var fresh = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        fresh.Bind(new IPEndPoint(IPAddress.Any, 5000));
    }
}
