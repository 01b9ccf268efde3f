using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Udp;

/// <summary>
/// Regression tests for the divergences the differential suite (tests/differential) found against
/// Linux in network namespaces; each asserts the value measured there (.NET 10, this machine's kernel).
/// </summary>
public class LinuxIpRuleTests
{
    private static (Simulation Sim, Host A, Host B) OneSegment()
    {
        var sim = new Simulation(seed: 11);
        Segment lan = sim.AddSegment("lan");
        Host a = sim.AddHost("a");
        a.AddAdapter("eth0", lan, "192.0.2.1/24");
        a.AddDefaultRoute("192.0.2.254");
        Host b = sim.AddHost("b");
        b.AddAdapter("eth0", lan, "192.0.2.254/24");
        return (sim, a, b);
    }

    private static Socket Udp(Host h) => new(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    private static void Conserved(Simulation sim)
    {
        sim.RunUntilIdle();
        Trace t = sim.Trace;
        Assert.Equal(t.Count(TraceKind.Send) + t.Count(TraceKind.Copy), t.Count(TraceKind.Deliver) + t.Count(TraceKind.Drop));
    }

    [Fact]
    public void Connect_on_a_wildcard_bound_socket_takes_the_routes_source_address()
    {
        (_, Host a, _) = OneSegment();
        using Socket s = Udp(a);
        s.Bind(new IPEndPoint(IPAddress.Any, 5000));
        s.Connect(new IPEndPoint(IPAddress.Parse("192.0.2.254"), 6000));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 5000), s.LocalEndPoint);
        using Socket l = Udp(a);
        l.Bind(new IPEndPoint(IPAddress.Any, 5001));
        l.Connect(new IPEndPoint(IPAddress.Loopback, 6000));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5001), l.LocalEndPoint);
    }

    [Fact]
    public void A_failed_connect_leaves_the_socket_bound_so_a_later_Bind_is_InvalidArgument()
    {
        (_, Host a, _) = OneSegment();
        using Socket s = Udp(a);
        var e = Assert.Throws<SocketException>(() => s.Connect(new IPEndPoint(IPAddress.Parse("192.0.2.255"), 6000)));
        Assert.Equal(SocketError.AccessDenied, e.SocketErrorCode);
        Assert.Null(s.LocalEndPoint); // blocking: .NET did not learn of the kernel's binding
        var again = Assert.Throws<SocketException>(() => s.Bind(new IPEndPoint(IPAddress.Any, 0)));
        Assert.Equal(SocketError.InvalidArgument, again.SocketErrorCode);
    }

    [Fact]
    public void Limited_broadcast_from_a_loopback_bound_socket_needs_SO_BROADCAST_and_stays_on_the_host()
    {
        (Simulation sim, Host a, _) = OneSegment();
        using Socket rx = Udp(a);
        rx.Bind(new IPEndPoint(IPAddress.Any, 7000));
        using Socket tx = Udp(a);
        tx.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var e = Assert.Throws<SocketException>(() => tx.SendTo("x"u8, new IPEndPoint(IPAddress.Broadcast, 7000)));
        Assert.Equal(SocketError.AccessDenied, e.SocketErrorCode);
        tx.EnableBroadcast = true;
        Assert.Equal(1, tx.SendTo("x"u8, new IPEndPoint(IPAddress.Broadcast, 7000)));
        sim.RunUntilIdle();
        Assert.Equal(1, rx.Available);
        Conserved(sim);
    }

    [Fact]
    public void Multicast_from_a_loopback_bound_socket_is_sent_on_lo_and_every_packet_ends()
    {
        (Simulation sim, Host a, _) = OneSegment();
        using Socket tx = Udp(a);
        tx.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Assert.Equal(1, tx.SendTo("x"u8, new IPEndPoint(IPAddress.Parse("239.1.2.3"), 7000)));
        Conserved(sim);
    }

    [Fact]
    public void A_loopback_source_routed_out_of_eth0_is_InvalidArgument()
    {
        (_, Host a, _) = OneSegment();
        using Socket tx = Udp(a);
        tx.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        tx.EnableBroadcast = true;
        foreach (string to in new[] { "192.0.2.255", "192.0.2.254", "203.0.113.9" })
        {
            var e = Assert.Throws<SocketException>(() => tx.SendTo("x"u8, new IPEndPoint(IPAddress.Parse(to), 7000)));
            Assert.Equal(SocketError.InvalidArgument, e.SocketErrorCode);
        }
    }

    [Fact]
    public void Shutdown_on_an_unconnected_UDP_socket_throws_NotConnected_but_marks_it_shut()
    {
        (_, Host a, _) = OneSegment();
        using Socket s = Udp(a);
        s.Bind(new IPEndPoint(IPAddress.Any, 0));
        var e = Assert.Throws<SocketException>(() => s.Shutdown(SocketShutdown.Send));
        Assert.Equal(SocketError.NotConnected, e.SocketErrorCode);
        var send = Assert.Throws<SocketException>(() => s.SendTo("x"u8, new IPEndPoint(IPAddress.Loopback, 7000)));
        Assert.Equal(SocketError.Shutdown, send.SocketErrorCode);
    }

    [Fact]
    public void Nonblocking_receive_after_Shutdown_Receive_is_WouldBlock()
    {
        (_, Host a, _) = OneSegment();
        using Socket s = Udp(a);
        s.Bind(new IPEndPoint(IPAddress.Any, 0));
        s.Connect(new IPEndPoint(IPAddress.Loopback, 7000));
        s.Shutdown(SocketShutdown.Receive);
        s.Blocking = false;
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        var e = Assert.Throws<SocketException>(() => s.ReceiveFrom(new byte[8], ref from));
        Assert.Equal(SocketError.WouldBlock, e.SocketErrorCode);
    }

    [Fact]
    public void Dotnet_caches_RemoteEndPoint_so_a_second_Connect_still_reports_the_first_peer()
    {
        (_, Host a, _) = OneSegment();
        using Socket s = Udp(a);
        s.Connect(new IPEndPoint(IPAddress.Loopback, 7000));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7000), s.RemoteEndPoint);
        s.Connect(new IPEndPoint(IPAddress.Loopback, 7001));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 7000), s.RemoteEndPoint);
    }

    [Fact]
    public void Dotnet_marks_a_shut_connected_socket_disconnected_so_Connect_throws_InvalidOperation()
    {
        (_, Host a, _) = OneSegment();
        using Socket s = Udp(a);
        s.Connect(new IPEndPoint(IPAddress.Loopback, 7000));
        s.Shutdown(SocketShutdown.Both);
        Assert.Throws<InvalidOperationException>(() => s.Connect(new IPEndPoint(IPAddress.Loopback, 7001)));
    }

    [Fact]
    public void A_failed_nonblocking_connect_reads_back_bound_and_RemoteEndPoint_is_NotConnected()
    {
        (_, Host a, _) = OneSegment();
        using Socket s = Udp(a);
        s.Blocking = false;
        Assert.Throws<SocketException>(() => s.Connect(new IPEndPoint(IPAddress.Broadcast, 7000)));
        Assert.Equal(IPAddress.Any, ((IPEndPoint)s.LocalEndPoint!).Address);
        var e = Assert.Throws<SocketException>(() => s.RemoteEndPoint);
        Assert.Equal(SocketError.NotConnected, e.SocketErrorCode);
    }

    [Fact]
    public void Bind_to_a_group_or_a_broadcast_address_is_allowed_as_on_Linux()
    {
        (_, Host a, _) = OneSegment();
        foreach (string address in new[] { "239.1.2.3", "192.0.2.255", "255.255.255.255" })
        {
            using Socket s = Udp(a);
            s.Bind(new IPEndPoint(IPAddress.Parse(address), 0));
            Assert.Equal(IPAddress.Parse(address), ((IPEndPoint)s.LocalEndPoint!).Address);
        }

        using Socket v6 = new(a, AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        var e = Assert.Throws<SocketException>(() => v6.Bind(new IPEndPoint(IPAddress.Parse("ff02::1"), 0)));
        Assert.Equal(SocketError.InvalidArgument, e.SocketErrorCode);
    }

    [Fact]
    public void Joining_a_group_with_no_route_to_it_is_ENODEV()
    {
        var sim = new Simulation(seed: 11);
        Host a = sim.AddHost("a");
        a.AddAdapter("eth0", sim.AddSegment("lan"), "192.0.2.1/24");
        using Socket s = Udp(a);
        var e = Assert.Throws<SocketException>(() => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IPAddress.Parse("239.1.2.3"), IPAddress.Any)));
        Assert.Equal(SocketError.SocketError, e.SocketErrorCode);
    }

    [Fact]
    public void A_socket_bound_to_a_group_or_broadcast_address_sends_from_the_routes_source()
    {
        (Simulation sim, Host a, Host b) = OneSegment();
        using Socket rx = Udp(b);
        rx.Bind(new IPEndPoint(IPAddress.Any, 7000));
        using Socket tx = Udp(a);
        tx.Bind(new IPEndPoint(IPAddress.Parse("192.0.2.255"), 0));
        var denied = Assert.Throws<SocketException>(() => tx.SendTo("x"u8, new IPEndPoint(IPAddress.Broadcast, 7000)));
        Assert.Equal(SocketError.AccessDenied, denied.SocketErrorCode); // routed like an unbound-address socket, so SO_BROADCAST applies
        tx.SendTo("x"u8, new IPEndPoint(IPAddress.Parse("192.0.2.254"), 7000));
        sim.RunUntilIdle();
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        rx.ReceiveFrom(new byte[8], ref from);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), ((IPEndPoint)from).Address);
    }

    [Fact]
    public void Bind_on_a_bound_socket_checks_the_address_first()
    {
        (_, Host a, _) = OneSegment();
        using Socket s = Udp(a);
        s.Bind(new IPEndPoint(IPAddress.Any, 0));
        var e = Assert.Throws<SocketException>(() => s.Bind(new IPEndPoint(IPAddress.Parse("192.0.2.77"), 0)));
        Assert.Equal(SocketError.AddressNotAvailable, e.SocketErrorCode);
        var again = Assert.Throws<SocketException>(() => s.Bind(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 0)));
        Assert.Equal(SocketError.InvalidArgument, again.SocketErrorCode);
    }

    [Fact]
    public void Send_on_an_unconnected_socket_binds_it_in_the_kernel_but_not_for_dotnet()
    {
        (_, Host a, _) = OneSegment();
        using Socket s = Udp(a);
        var e = Assert.Throws<SocketException>(() => s.Send("x"u8));
        Assert.Equal(SocketError.DestinationAddressRequired, e.SocketErrorCode);
        Assert.False(s.IsBound);
        Assert.Null(s.LocalEndPoint);
        var bind = Assert.Throws<SocketException>(() => s.Bind(new IPEndPoint(IPAddress.Any, 0)));
        Assert.Equal(SocketError.InvalidArgument, bind.SocketErrorCode);
    }

    [Fact]
    public void IPv6_connect_to_a_link_scope_group_without_a_scope_id_is_InvalidArgument()
    {
        var sim = new Simulation(seed: 11);
        Host a = sim.AddHost("a");
        a.AddAdapter("eth0", sim.AddSegment("lan"), "2001:db8:1::1/64");
        using Socket s = new(a, AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
        var e = Assert.Throws<SocketException>(() => s.Connect(new IPEndPoint(IPAddress.Parse("ff02::1"), 7000)));
        Assert.Equal(SocketError.InvalidArgument, e.SocketErrorCode);
        Assert.Equal(1, s.SendTo("x"u8, new IPEndPoint(IPAddress.Parse("ff02::1"), 7000))); // sending needs no scope id
        Conserved(sim);
    }

    [Fact]
    public void After_Shutdown_Send_a_route_or_broadcast_error_still_comes_before_Shutdown()
    {
        (_, Host a, _) = OneSegment();
        using Socket s = Udp(a);
        s.Bind(new IPEndPoint(IPAddress.Any, 0));
        s.Connect(new IPEndPoint(IPAddress.Parse("192.0.2.254"), 7000));
        s.Shutdown(SocketShutdown.Send);
        var denied = Assert.Throws<SocketException>(() => s.SendTo("x"u8, new IPEndPoint(IPAddress.Parse("192.0.2.255"), 7000)));
        Assert.Equal(SocketError.AccessDenied, denied.SocketErrorCode);
        var shut = Assert.Throws<SocketException>(() => s.SendTo("x"u8, new IPEndPoint(IPAddress.Parse("192.0.2.254"), 7000)));
        Assert.Equal(SocketError.Shutdown, shut.SocketErrorCode);
    }
}
