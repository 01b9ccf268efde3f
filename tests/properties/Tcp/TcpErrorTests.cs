using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Tcp;

/// <summary>The errors the issue lists, and the rows of linux-sockets.md "TCP", through the stream Socket.</summary>
public class TcpErrorTests
{
    private static Socket Stream(Host host) => new(host, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    private static Socket Listener(TcpWorld w, int port = 80, int backlog = 8)
    {
        Socket s = Stream(w.B);
        s.Bind(new IPEndPoint(IPAddress.Any, port));
        s.Listen(backlog);
        return s;
    }

    private static SocketError ErrorOf(Action action) => Assert.Throws<SocketException>(action).SocketErrorCode;

    [Fact]
    public void Connect_to_a_port_nobody_listens_on_fails_ConnectionRefused()
    {
        var w = new TcpWorld(41);
        using Socket s = Stream(w.A);
        Assert.Equal(SocketError.ConnectionRefused, ErrorOf(() => s.Connect(new IPEndPoint(TcpWorld.AddressB, 81))));
        Assert.False(s.Connected);
        Assert.True(w.Sim.Trace.Dropped(DropReason.NoConnection) >= 1);
    }

    [Fact]
    public void Connect_to_a_crashed_host_fails_TimedOut_after_the_SYN_retries_in_virtual_time()
    {
        var w = new TcpWorld(42);
        using Socket listener = Listener(w);
        w.B.IsUp = false;
        using Socket s = Stream(w.A);
        Assert.Equal(SocketError.TimedOut, ErrorOf(() => s.Connect(new IPEndPoint(TcpWorld.AddressB, 80))));
        Assert.Equal(TimeSpan.FromSeconds(127), w.Sim.Clock.Elapsed);
        Assert.Equal(7, w.Sim.Trace.Dropped(DropReason.HostDown));
    }

    [Fact]
    public void A_full_backlog_drops_SYNs_so_the_next_client_times_out_unless_an_accept_makes_room_in_time()
    {
        var w = new TcpWorld(43);
        using Socket listener = Listener(w, backlog: 1);
        using Socket first = Stream(w.A);
        using Socket second = Stream(w.A);
        first.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        second.Connect(new IPEndPoint(TcpWorld.AddressB, 80)); // Linux queues backlog + 1
        using Socket third = Stream(w.A);
        Task late = third.ConnectAsync(new IPEndPoint(TcpWorld.AddressB, 80));
        w.Sim.RunFor(TimeSpan.FromSeconds(10));
        Assert.False(late.IsCompleted);
        Assert.True(w.Sim.Trace.Dropped(DropReason.ListenQueueFull) >= 1);
        using Socket accepted = listener.Accept(); // room again: the next SYN retry gets in
        w.Sim.RunFor(TimeSpan.FromSeconds(30));
        Assert.True(late.IsCompletedSuccessfully);

        using Socket fourth = Stream(w.A);
        using Socket fifth = Stream(w.A);
        Task stuck = fourth.ConnectAsync(new IPEndPoint(TcpWorld.AddressB, 80));
        w.Sim.RunFor(TimeSpan.FromSeconds(200));
        var timedOut = Assert.IsType<SocketException>(stuck.Exception!.InnerException);
        Assert.Equal(SocketError.TimedOut, timedOut.SocketErrorCode);
    }

    [Fact]
    public void Send_after_Shutdown_Send_fails_Shutdown_and_the_peer_reads_0_repeatedly()
    {
        var w = new TcpWorld(44);
        using Socket listener = Listener(w);
        using Socket client = Stream(w.A);
        client.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        using Socket server = listener.Accept();
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(SocketError.Shutdown, ErrorOf(() => client.Send(new byte[1])));
        var buffer = new byte[8];
        Assert.Equal(0, server.Receive(buffer));
        Assert.Equal(0, server.Receive(buffer));
        Assert.Equal(0, server.Available);
        Assert.True(server.Poll(0, SelectMode.SelectRead));
    }

    [Fact]
    public void Sending_to_a_closed_peer_succeeds_once_then_fails_Shutdown_and_Connected_turns_false()
    {
        var w = new TcpWorld(45, new LinkConditions { Latency = TimeSpan.FromMilliseconds(1) });
        using Socket listener = Listener(w);
        using Socket client = Stream(w.A);
        client.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        Socket server = listener.Accept();
        server.Close();
        w.Sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.Equal(3, client.Send("one"u8));
        w.Sim.RunFor(TimeSpan.FromSeconds(1)); // the orphan answers the data with RST
        Assert.Equal(SocketError.Shutdown, ErrorOf(() => client.Send("two"u8)));
        Assert.False(client.Connected);
    }

    [Fact]
    public void Unconnected_stream_socket_Send_fails_Shutdown_Receive_and_Shutdown_fail_NotConnected()
    {
        var w = new TcpWorld(46);
        using Socket s = Stream(w.A);
        Assert.Equal(SocketError.Shutdown, ErrorOf(() => s.Send(new byte[1])));
        Assert.Equal(SocketError.NotConnected, ErrorOf(() => s.Receive(new byte[1])));
        Assert.Equal(SocketError.NotConnected, ErrorOf(() => s.Shutdown(SocketShutdown.Both)));
    }

    [Fact]
    public void Listen_without_Bind_works_and_LocalEndPoint_stays_null_but_Accept_needs_Bind()
    {
        var w = new TcpWorld(47);
        using Socket s = Stream(w.B);
        s.Listen(5);
        Assert.Null(s.LocalEndPoint);
        Assert.Throws<InvalidOperationException>(() => s.Accept());
        using Socket bound = Stream(w.B);
        bound.Bind(new IPEndPoint(IPAddress.Any, 0));
        Assert.Throws<InvalidOperationException>(() => bound.Accept()); // not listening
    }

    [Fact]
    public void Connect_on_a_listener_is_InvalidOperation_connect_twice_is_IsConnected_nonblocking_connect_is_WouldBlock()
    {
        var w = new TcpWorld(48);
        using Socket listener = Listener(w);
        Assert.Throws<InvalidOperationException>(() => listener.Connect(new IPEndPoint(TcpWorld.AddressA, 1)));
        using Socket s = Stream(w.A);
        s.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        Assert.Equal(SocketError.IsConnected, ErrorOf(() => s.Connect(new IPEndPoint(TcpWorld.AddressB, 80))));
        using Socket nb = Stream(w.A);
        nb.Blocking = false;
        Assert.Equal(SocketError.WouldBlock, ErrorOf(() => nb.Connect(new IPEndPoint(TcpWorld.AddressB, 80))));
        Assert.Equal(SocketError.AlreadyInProgress, ErrorOf(() => nb.Connect(new IPEndPoint(TcpWorld.AddressB, 80))));
        Assert.False(nb.Connected);
        Assert.True(nb.Poll(1_000_000, SelectMode.SelectWrite)); // the connect completes in the background
        Assert.True(nb.Connected);
    }

    [Fact]
    public void Bind_rules_TCP_and_UDP_share_a_port_number_and_two_TCP_binds_share_one_unless_one_listens()
    {
        // .NET sets SO_REUSEADDR before every TCP bind on Unix, and Linux lets such sockets share a port
        // while none of them listens (measured by the differential suite).
        var w = new TcpWorld(49);
        using Socket tcp = Stream(w.A);
        tcp.Bind(new IPEndPoint(IPAddress.Any, 5000));
        using var udp = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Any, 5000));
        using Socket sharing = Stream(w.A);
        sharing.Bind(new IPEndPoint(TcpWorld.AddressA, 5000));
        Assert.True(sharing.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress) is 1);
        tcp.Listen(5);
        Assert.Equal(SocketError.AddressAlreadyInUse, ErrorOf(() => sharing.Listen(5)));
        using Socket again = Stream(w.A);
        Assert.Equal(SocketError.AddressAlreadyInUse, ErrorOf(() => again.Bind(new IPEndPoint(TcpWorld.AddressA, 5000))));
        Assert.Equal(SocketError.AddressNotAvailable, ErrorOf(() => again.Bind(new IPEndPoint(TcpWorld.AddressB, 5001))));
        Assert.Equal(SocketError.InvalidArgument, ErrorOf(() => tcp.Bind(new IPEndPoint(IPAddress.Any, 5002))));
        using Socket r1 = Stream(w.A);
        using Socket r2 = Stream(w.A);
        r1.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        r2.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        r1.Bind(new IPEndPoint(IPAddress.Any, 6000));
        r2.Bind(new IPEndPoint(IPAddress.Any, 6000));
    }

    [Fact]
    public void Stream_options_default_as_on_Linux_and_read_back()
    {
        var w = new TcpWorld(50);
        using Socket s = Stream(w.A);
        Assert.False(s.NoDelay);
        s.NoDelay = true;
        Assert.True(s.NoDelay);
        Assert.Equal(0, (int)s.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        Assert.Equal(1, (int)s.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)!);
        var linger = (System.Net.Sockets.LingerOption)s.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Linger)!;
        Assert.False(linger.Enabled);
        Assert.Equal(0, linger.LingerTime);
        s.ReceiveBufferSize = 10000;
        Assert.Equal(20000, s.ReceiveBufferSize);
    }

    [Fact]
    public void A_pending_async_receive_ends_OperationAborted_when_the_socket_is_disposed()
    {
        var w = new TcpWorld(51);
        using Socket listener = Listener(w);
        Socket client = Stream(w.A);
        client.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        Task<int> pending = client.ReceiveAsync(new byte[10], SocketFlags.None);
        w.Sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.False(pending.IsCompleted);
        client.Dispose();
        w.Sim.RunFor(TimeSpan.FromSeconds(1));
        var aborted = Assert.IsType<SocketException>(pending.Exception!.InnerException);
        Assert.Equal(SocketError.OperationAborted, aborted.SocketErrorCode);
        Assert.False(client.Connected);
    }

    [Fact]
    public void Partial_counts_a_nonblocking_send_takes_what_fits_and_a_receive_returns_what_is_there()
    {
        var w = new TcpWorld(52);
        using Socket listener = Listener(w);
        using Socket client = Stream(w.A);
        client.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        using Socket server = listener.Accept();
        client.Blocking = false;
        byte[] big = new byte[1_000_000];
        int taken = client.Send(big);
        Assert.InRange(taken, 1, big.Length - 1);
        w.Sim.RunFor(TimeSpan.FromSeconds(1));
        var buffer = new byte[big.Length];
        int got = server.Receive(buffer);
        Assert.InRange(got, 1, taken);
        Assert.Equal(SocketError.WouldBlock, ErrorOf(() => { while (true) { client.Send(big); } }));
    }

    [Fact]
    public void SocketAsyncEventArgs_operations_given_null_throw_ArgumentNullException_on_both_protocols_as_the_runtime_does()
    {
        var w = new TcpWorld(47);
        using Socket stream = Stream(w.A);
        using var datagram = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        foreach (Socket s in new[] { stream, datagram })
        {
            Assert.Throws<ArgumentNullException>(() => s.ReceiveAsync((SimNet.Sockets.SocketAsyncEventArgs)null!));
            Assert.Throws<ArgumentNullException>(() => s.SendAsync((SimNet.Sockets.SocketAsyncEventArgs)null!));
            Assert.Throws<ArgumentNullException>(() => s.ConnectAsync((SimNet.Sockets.SocketAsyncEventArgs)null!));
        }
    }
}
