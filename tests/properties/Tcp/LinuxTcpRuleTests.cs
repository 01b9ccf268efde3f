using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Tcp;

/// <summary>
/// The TCP rules the differential suite measured on Linux with .NET 10 (docs/conformance.md, "What the
/// TCP and async rounds measured"), one test each, through the stream Socket.
/// </summary>
public class LinuxTcpRuleTests
{
    private static readonly IPEndPoint Closed = new(TcpWorld.AddressB, 81);

    private static Socket Stream(Host host, AddressFamily family = AddressFamily.InterNetwork) => new(host, family, SocketType.Stream, ProtocolType.Tcp);

    private static Socket Listener(Host host, int port = 80)
    {
        Socket s = Stream(host);
        s.Bind(new IPEndPoint(IPAddress.Any, port));
        s.Listen(8);
        return s;
    }

    private static SocketError ErrorOf(Action action) => Assert.Throws<SocketException>(action).SocketErrorCode;

    private static void Settle(TcpWorld w) => w.Sim.RunFor(TimeSpan.FromMilliseconds(20));

    [Fact]
    public void A_non_blocking_connect_shows_no_endpoints_until_its_handshake_is_done_then_reads_as_connected()
    {
        var w = new TcpWorld(71);
        using Socket listener = Listener(w.B);
        using Socket s = Stream(w.A);
        s.Blocking = false;
        Assert.Equal(SocketError.WouldBlock, ErrorOf(() => s.Connect(new IPEndPoint(TcpWorld.AddressB, 80))));
        Assert.Null(s.LocalEndPoint);
        Assert.Null(s.RemoteEndPoint);
        Assert.False(s.Connected);
        Settle(w);
        Assert.Equal(TcpWorld.AddressA, ((IPEndPoint)s.LocalEndPoint!).Address);
        Assert.Equal(new IPEndPoint(TcpWorld.AddressB, 80), s.RemoteEndPoint);
        Assert.True(s.Connected);
    }

    [Fact]
    public void A_refused_non_blocking_connect_leaves_the_object_unconnected_and_its_error_taken_by_the_runtime()
    {
        var w = new TcpWorld(72);
        using Socket s = Stream(w.A);
        s.Blocking = false;
        Assert.Equal(SocketError.WouldBlock, ErrorOf(() => s.Connect(Closed)));
        Settle(w);
        Assert.Null(s.LocalEndPoint);
        Assert.Null(s.RemoteEndPoint);
        Assert.False(s.Connected);
        Assert.False(s.Poll(0, SelectMode.SelectError));
        Assert.True(s.Poll(0, SelectMode.SelectWrite));
        Assert.Equal(SocketError.Shutdown, ErrorOf(() => s.Send(new byte[1])));
        Assert.Equal(0, s.Receive(new byte[4]));
    }

    [Fact]
    public void A_non_blocking_connect_that_fails_at_once_reads_as_bound_to_the_wildcard_then_NotConnected_and_disconnects_the_object()
    {
        var w = new TcpWorld(73);
        using Socket s = Stream(w.A);
        s.Blocking = false;
        var unroutable = new IPEndPoint(IPAddress.Parse("203.0.113.9"), 80);
        Assert.Equal(SocketError.NetworkUnreachable, ErrorOf(() => s.Connect(unroutable)));
        Assert.Equal(new IPEndPoint(IPAddress.Any, 0), s.LocalEndPoint);
        Assert.Equal(SocketError.NotConnected, ErrorOf(() => _ = s.RemoteEndPoint));
        Assert.False(s.Connected);
        Assert.Throws<InvalidOperationException>(() => s.Connect(unroutable));
        s.Shutdown(SocketShutdown.Both); // ENOTCONN is ignored for an object that was connected
    }

    [Fact]
    public void Connecting_to_the_unspecified_address_reaches_this_host_on_loopback()
    {
        var w = new TcpWorld(74);
        using Socket listener = Listener(w.A);
        using Socket v4 = Stream(w.A);
        v4.Connect(new IPEndPoint(IPAddress.Any, 80));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 80), v4.RemoteEndPoint);
    }

    [Fact]
    public void A_connect_to_its_own_address_and_port_opens_a_connection_with_itself()
    {
        var w = new TcpWorld(75);
        using Socket s = Stream(w.A);
        var self = new IPEndPoint(TcpWorld.AddressA, 7000);
        s.Bind(self);
        s.Connect(self);
        Assert.True(s.Connected);
        Assert.Equal(self, s.RemoteEndPoint);
        Assert.Equal(2, s.Send("hi"u8.ToArray()));
        Settle(w);
        var buffer = new byte[4];
        Assert.Equal(2, s.Receive(buffer));
    }

    [Fact]
    public void A_listener_has_no_Available_ignores_Shutdown_Send_and_stops_at_Shutdown_Receive()
    {
        var w = new TcpWorld(76);
        using Socket listener = Listener(w.B);
        Assert.Equal(SocketError.InvalidArgument, ErrorOf(() => _ = listener.Available));
        listener.Shutdown(SocketShutdown.Send);
        using Socket first = Stream(w.A);
        first.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        listener.Shutdown(SocketShutdown.Receive);
        Assert.Equal(SocketError.InvalidArgument, ErrorOf(() => listener.Accept()));
        using Socket second = Stream(w.A);
        Assert.Equal(SocketError.ConnectionRefused, ErrorOf(() => second.Connect(new IPEndPoint(TcpWorld.AddressB, 80))));
    }

    [Fact]
    public void Shutdown_marks_the_object_disconnected_and_keeps_its_remote_endpoint()
    {
        var w = new TcpWorld(77);
        using Socket listener = Listener(w.B);
        using Socket s = Stream(w.A);
        s.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        Assert.Equal(new IPEndPoint(TcpWorld.AddressB, 80), s.RemoteEndPoint);
        s.Shutdown(SocketShutdown.Send);
        Assert.False(s.Connected);
        Assert.Equal(new IPEndPoint(TcpWorld.AddressB, 80), s.RemoteEndPoint);
    }

    [Fact]
    public void After_a_connect_that_failed_reads_end_Listen_is_InvalidArgument_the_next_connect_ConnectionAborted_and_Bind_works()
    {
        var w = new TcpWorld(78);
        using Socket s = Stream(w.A);
        Assert.Equal(SocketError.ConnectionRefused, ErrorOf(() => s.Connect(Closed)));
        Assert.Equal(0, s.Receive(new byte[4]));
        Assert.Equal(SocketError.InvalidArgument, ErrorOf(() => s.Listen(1)));
        Assert.Equal(SocketError.ConnectionAborted, ErrorOf(() => s.Connect(Closed)));
        s.Bind(new IPEndPoint(IPAddress.Any, 7001));
        Assert.Equal(7001, ((IPEndPoint)s.LocalEndPoint!).Port);
    }

    [Fact]
    public void A_closed_socket_polls_readable_and_writable_and_a_listener_neither_without_a_connection()
    {
        var w = new TcpWorld(79);
        using Socket fresh = Stream(w.A);
        Assert.True(fresh.Poll(0, SelectMode.SelectRead));
        Assert.True(fresh.Poll(0, SelectMode.SelectWrite));
        Assert.False(fresh.Poll(0, SelectMode.SelectError));
        using Socket listener = Listener(w.B);
        Assert.False(listener.Poll(0, SelectMode.SelectRead));
        Assert.False(listener.Poll(0, SelectMode.SelectWrite));
    }

    [Fact]
    public void A_TCP_socket_cannot_bind_an_IPv6_group()
    {
        var w = new TcpWorld(80);
        using Socket s = Stream(w.A, AddressFamily.InterNetworkV6);
        Assert.Equal(SocketError.InvalidArgument, ErrorOf(() => s.Bind(new IPEndPoint(IPAddress.Parse("ff05::1:3"), 80))));
    }
}
