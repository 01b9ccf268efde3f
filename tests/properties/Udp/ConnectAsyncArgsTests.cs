using System.Net;
using System.Net.Sockets;
using SimNet.Testing;
using FsCheck;
using FsCheck.Fluent;
using Xunit;
using Socket = SimNet.Sockets.Socket;
using SocketAsyncEventArgs = SimNet.Sockets.SocketAsyncEventArgs;

namespace SimNet.Properties.Udp;

/// <summary>Seed 001: Socket.ConnectAsync(SocketAsyncEventArgs) for a connectionless socket.</summary>
public class ConnectAsyncArgsTests
{
    private static (Simulation Sim, Socket Socket) OnLan(out Topology.Host peer)
    {
        var sim = new Simulation(9);
        var lan = sim.AddSegment("lan");
        var a = sim.AddHost("a"); a.AddAdapter("eth0", lan, "10.0.0.1/24");
        peer = sim.AddHost("b"); peer.AddAdapter("eth0", lan, "10.0.0.2/24");
        return (sim, new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
    }

    [SimNetProperty(MaxTest = 20)]
    public Property A_udp_ConnectAsync_completes_synchronously_returns_false_and_does_not_raise_Completed()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(1, 65535)), port =>
        {
            var (sim, s) = OnLan(out _);
            int raised = 0;
            var e = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.Parse("10.0.0.2"), port), UserToken = "token" };
            e.Completed += (_, _) => raised++;
            Assert.False(s.ConnectAsync(e));
            sim.RunUntilIdle();
            Assert.Equal(0, raised);
            Assert.Equal(SocketError.Success, e.SocketError);
            Assert.Equal(SocketAsyncOperation.Connect, e.LastOperation);
            Assert.Same(s, e.ConnectSocket);
            Assert.Equal("token", e.UserToken);
            Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.2"), port), s.RemoteEndPoint);
        });
    }

    [Fact]
    public void A_udp_ConnectAsync_binds_the_route_source_and_an_ephemeral_port_as_linux_does_where_the_seed_says_the_provider_may_wait()
    {
        // Seed: for a connectionless protocol the provider does not assign the local address and port
        // until a send or receive. Linux differs, and SimNet follows Linux: connect binds the route's source address.
        var (_, s) = OnLan(out _);
        var e = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 7) };
        Assert.False(s.ConnectAsync(e));
        var local = (IPEndPoint)s.LocalEndPoint!;
        Assert.Equal(IPAddress.Parse("10.0.0.1"), local.Address);
        Assert.InRange(local.Port, 32768, 60999);
    }

    [Fact]
    public void Datagrams_from_addresses_other_than_the_default_are_discarded_and_connecting_again_changes_the_default()
    {
        var (sim, s) = OnLan(out var b);
        s.Bind(new IPEndPoint(IPAddress.Any, 5000));
        using var p1 = new Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        p1.Bind(new IPEndPoint(IPAddress.Any, 1111));
        using var p2 = new Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        p2.Bind(new IPEndPoint(IPAddress.Any, 2222));
        var target = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 5000);
        Assert.False(s.ConnectAsync(new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 1111) }));
        p1.SendTo(new byte[] { 1 }, target);
        p2.SendTo(new byte[] { 2 }, target);
        sim.RunUntilIdle();
        Assert.Equal(new byte[] { 1 }, UdpTestKit.Drain(s).Single().Payload);
        Assert.False(s.ConnectAsync(new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 2222) }));
        p1.SendTo(new byte[] { 1 }, target);
        p2.SendTo(new byte[] { 2 }, target);
        sim.RunUntilIdle();
        Assert.Equal(new byte[] { 2 }, UdpTestKit.Drain(s).Single().Payload);
    }

    [Fact]
    public void A_broadcast_default_needs_the_Broadcast_option_first()
    {
        var (_, s) = OnLan(out _);
        s.Host.AddDefaultRoute(s.Host.Adapters[0]);
        var e = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.Broadcast, 9) };
        Assert.False(s.ConnectAsync(e));
        Assert.Equal(SocketError.AccessDenied, e.SocketError);
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, true);
        Assert.False(s.ConnectAsync(e));
        Assert.Equal(SocketError.Success, e.SocketError);
        Assert.Equal(new IPEndPoint(IPAddress.Broadcast, 9), s.RemoteEndPoint);
    }

    [Fact]
    public void Validation_order_is_disposed_then_null_then_BufferList_then_null_RemoteEndPoint_then_family()
    {
        var (_, s) = OnLan(out _);
        var withList = new SocketAsyncEventArgs { BufferList = new List<ArraySegment<byte>> { new byte[1] } };
        Assert.Throws<ArgumentException>(() => s.ConnectAsync(withList)); // BufferList beats null RemoteEndPoint
        Assert.Throws<ArgumentNullException>(() => s.ConnectAsync(new SocketAsyncEventArgs())); // measured on real loopback (tests/conformance)
        Assert.Throws<NotSupportedException>(() => s.ConnectAsync(new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.IPv6Loopback, 1) }));
        s.Dispose();
        Assert.Throws<ObjectDisposedException>(() => s.ConnectAsync((SocketAsyncEventArgs)null!)); // disposed beats null
    }

    [Fact]
    public void The_optional_buffer_is_not_sent_by_a_udp_connect_as_measured_on_linux()
    {
        var (sim, s) = OnLan(out var b);
        using var rx = new Socket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        rx.Bind(new IPEndPoint(IPAddress.Any, 5000));
        var e = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000) };
        e.SetBuffer(new byte[] { 1, 2, 3 }, 0, 3);
        Assert.False(s.ConnectAsync(e));
        sim.RunUntilIdle();
        Assert.Equal(0, e.BytesTransferred);
        Assert.Equal(0, rx.Available);
    }

    [Fact]
    public void A_DnsEndPoint_resolves_first_so_the_connect_is_pending_and_Completed_is_raised_on_the_simulation_thread()
    {
        var (sim, s) = OnLan(out _);
        SocketAsyncEventArgs? completed = null;
        var e = new SocketAsyncEventArgs { RemoteEndPoint = new DnsEndPoint("b", 53) };
        e.Completed += (_, args) => completed = args;
        Assert.True(s.ConnectAsync(e));
        Assert.Null(completed); // never inline
        sim.RunUntilIdle();
        Assert.Same(e, completed);
        Assert.Equal(SocketError.Success, e.SocketError);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 53), s.RemoteEndPoint);

        var unknown = new SocketAsyncEventArgs { RemoteEndPoint = new DnsEndPoint("nobody", 53) };
        int raised = 0;
        unknown.Completed += (_, _) => raised++;
        Assert.True(s.ConnectAsync(unknown));
        sim.RunUntilIdle();
        Assert.Equal(1, raised);
        Assert.Equal(SocketError.HostNotFound, unknown.SocketError);
        Assert.IsType<SocketException>(unknown.ConnectByNameError);
    }

    [Fact]
    public void One_SocketAsyncEventArgs_cannot_run_two_operations_at_once()
    {
        var (sim, s) = OnLan(out _);
        s.Bind(new IPEndPoint(IPAddress.Any, 5000));
        var e = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.Any, 0) };
        e.SetBuffer(new byte[16], 0, 16);
        Assert.True(s.ReceiveFromAsync(e)); // pending: nothing queued
        Assert.Throws<InvalidOperationException>(() => s.ConnectAsync(e));
        s.Dispose();
        sim.RunUntilIdle();
        Assert.Equal(SocketError.OperationAborted, e.SocketError);
    }
}
