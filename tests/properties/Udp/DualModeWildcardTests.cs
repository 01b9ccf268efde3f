using System.Net;
using System.Net.Sockets;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Udp;

public class DualModeWildcardTests
{
    private static (Simulation Sim, Topology.Host A, Topology.Host B) Lan()
    {
        var sim = new Simulation(8);
        var lan = sim.AddSegment("lan");
        var a = sim.AddHost("a"); a.AddAdapter("eth0", lan, "10.0.0.1/24");
        var b = sim.AddHost("b"); b.AddAdapter("eth0", lan, "10.0.0.2/24");
        return (sim, a, b);
    }

    [Fact]
    public void A_dual_mode_udp_socket_bound_to_IPv4_any_receives_ipv4_datagrams_and_conflicts_with_ipv4_bindings_of_its_port()
    {
        var (sim, a, b) = Lan();
        using var rx = new Socket(b, SocketType.Dgram, ProtocolType.Udp); // dual mode
        rx.Bind(new IPEndPoint(IPAddress.Any, 5000));                      // becomes ::ffff:0.0.0.0
        using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        tx.SendTo(new byte[] { 1 }, new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
        sim.RunUntilIdle();
        Assert.Equal(1, rx.Available);
        using var v4 = new Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Assert.Equal(SocketError.AddressAlreadyInUse, Assert.Throws<SocketException>(() => v4.Bind(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000))).SocketErrorCode);
    }

    [Fact]
    public void A_dual_mode_tcp_listener_bound_to_IPv4_any_accepts_ipv4_connections()
    {
        var (sim, a, b) = Lan();
        using var listener = new Socket(b, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen(4);
        using var client = new Socket(a, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 80));
        using Socket accepted = listener.Accept();
        Assert.Equal(IPAddress.Parse("10.0.0.1").MapToIPv6(), ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }
}
