using System.Net;
using System.Net.Sockets;
using System.Text;
using SimNet.Topology;
using Xunit;
using NetworkStream = SimNet.Sockets.NetworkStream;
using Socket = SimNet.Sockets.Socket;
using SocketAsyncEventArgs = SimNet.Sockets.SocketAsyncEventArgs;
using TcpClient = SimNet.Sockets.TcpClient;
using TcpListener = SimNet.Sockets.TcpListener;

namespace SimNet.Properties.Tcp;

/// <summary>The other shapes of the stream API: names, SocketAsyncEventArgs operations, TcpListener and TcpClient, NetworkStream errors.</summary>
public class StreamApiTests
{
    [Fact]
    public void ConnectAsync_by_host_name_and_by_DnsEndPoint_resolve_through_the_host_resolver()
    {
        var w = new TcpWorld(61);
        using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen(4);
        w.A.Run(async () =>
        {
            using var byName = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await byName.ConnectAsync("b", 80);
            Assert.True(byName.Connected);
            Assert.Equal(new IPEndPoint(TcpWorld.AddressB, 80), byName.RemoteEndPoint);
        });

        using var viaArgs = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var e = new SocketAsyncEventArgs { RemoteEndPoint = new DnsEndPoint("b", 80) };
        int raised = 0;
        e.Completed += (_, _) => raised++;
        Assert.True(viaArgs.ConnectAsync(e));
        w.Sim.RunUntilIdle();
        Assert.Equal(1, raised);
        Assert.Equal(SocketError.Success, e.SocketError);
        Assert.True(viaArgs.Connected);
    }

    [Fact]
    public void AcceptAsync_SendAsync_and_ReceiveAsync_with_SocketAsyncEventArgs_complete_at_once_or_raise_Completed()
    {
        var w = new TcpWorld(62, new LinkConditions { Latency = TimeSpan.FromMilliseconds(1) });
        using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen(4);
        using var accept = new SocketAsyncEventArgs();
        int acceptRaised = 0;
        accept.Completed += (_, _) => acceptRaised++;
        Assert.True(listener.AcceptAsync(accept)); // nobody yet: pending
        using var client = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        w.Sim.RunUntilIdle();
        Assert.Equal(1, acceptRaised);
        Socket server = accept.AcceptSocket!;
        Assert.True(server.Connected);

        using var receive = new SocketAsyncEventArgs();
        receive.SetBuffer(new byte[32], 0, 32);
        int receiveRaised = 0;
        receive.Completed += (_, _) => receiveRaised++;
        Assert.True(server.ReceiveAsync(receive));

        using var send = new SocketAsyncEventArgs();
        send.SetBuffer(Encoding.ASCII.GetBytes("ping"), 0, 4);
        Assert.False(client.SendAsync(send)); // fits in the send buffer: done at once
        Assert.Equal(4, send.BytesTransferred);
        w.Sim.RunUntilIdle();
        Assert.Equal(1, receiveRaised);
        Assert.Equal(4, receive.BytesTransferred);
        Assert.Equal("ping", Encoding.ASCII.GetString(receive.Buffer!, 0, 4));
        server.Dispose();
    }

    [Fact]
    public void TcpListener_Pending_AcceptSocket_and_Stop_reset_the_connections_not_yet_accepted()
    {
        var w = new TcpWorld(63);
        var listener = new TcpListener(w.B, IPAddress.Any, 8080);
        Assert.Throws<InvalidOperationException>(() => listener.Pending());
        listener.Start(2);
        Assert.False(listener.Pending());
        using var first = new TcpClient(w.A);
        first.Connect(TcpWorld.AddressB, 8080);
        using var second = new TcpClient(w.A);
        second.Connect(new IPEndPoint(TcpWorld.AddressB, 8080));
        Assert.True(listener.Pending());
        using Socket accepted = listener.AcceptSocket();
        Assert.Equal(first.Client.LocalEndPoint, accepted.RemoteEndPoint);
        listener.Stop();
        Assert.False(listener.Active);
        NetworkStream stream = second.GetStream();
        var error = Assert.Throws<IOException>(() => stream.Read(new byte[4]));
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
        listener.Start(); // a stopped listener can start again on the same port
        Assert.Equal(8080, ((IPEndPoint)listener.LocalEndpoint).Port);
        listener.Stop();
    }

    [Fact]
    public void TcpClient_connects_by_name_streams_both_ways_and_a_second_Connect_is_IsConnected()
    {
        var w = new TcpWorld(64);
        var listener = new TcpListener(w.B, IPAddress.Any, 5000);
        listener.Start();
        using var client = new TcpClient(w.A, "b", 5000);
        Assert.True(client.Connected);
        Assert.False(client.NoDelay);
        client.NoDelay = true;
        using TcpClient server = listener.AcceptTcpClient();
        NetworkStream up = client.GetStream();
        NetworkStream down = server.GetStream();
        up.Write("abc"u8);
        var buffer = new byte[8];
        Assert.Equal(3, down.Read(buffer));
        down.Write("xyz"u8);
        Assert.Equal(3, up.Read(buffer));
        Assert.Equal("xyz", Encoding.ASCII.GetString(buffer, 0, 3));
        Assert.Throws<NotSupportedException>(() => up.Length);
        Assert.Equal(SocketError.IsConnected, Assert.Throws<SocketException>(() => client.Connect(TcpWorld.AddressB, 5000)).SocketErrorCode);
        client.Close();
        Assert.Equal(0, down.Read(buffer));
        listener.Stop();
    }

    [Fact]
    public void A_dual_mode_listener_accepts_IPv4_and_reports_mapped_addresses()
    {
        var w = new TcpWorld(65);
        TcpListener listener = TcpListener.Create(w.B, 443);
        listener.Start();
        using var client = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(TcpWorld.AddressB, 443));
        using Socket accepted = listener.AcceptSocket();
        var remote = (IPEndPoint)accepted.RemoteEndPoint!;
        Assert.True(remote.Address.IsIPv4MappedToIPv6);
        Assert.Equal(TcpWorld.AddressA, remote.Address.MapToIPv4());
        listener.Stop();
    }

    [Fact]
    public void IPv6_and_same_host_loopback_connections_carry_data_like_any_other()
    {
        var sim = new Simulation(66);
        Segment lan = sim.AddSegment("lan");
        Host a = sim.AddHost("a");
        a.AddAdapter("eth0", lan, "fd00::1/64");
        Host b = sim.AddHost("b");
        b.AddAdapter("eth0", lan, "fd00::2/64");
        using var listener = new Socket(b, AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.IPv6Any, 80));
        listener.Listen(2);
        using var client = new Socket(a, AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Parse("fd00::2"), 80));
        Assert.Equal(IPAddress.Parse("fd00::1"), ((IPEndPoint)client.LocalEndPoint!).Address);
        using Socket server = listener.Accept();
        byte[] data = new byte[100_000];
        new Random(66).NextBytes(data);
        Task<int> send = client.SendAsync(data, SocketFlags.None);
        var got = new byte[data.Length];
        int total = 0;
        while (total < data.Length)
        {
            total += server.Receive(got.AsSpan(total));
        }

        Assert.True(got.AsSpan().SequenceEqual(data));
        Assert.True(send.IsCompletedSuccessfully);

        using var local = new Socket(a, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        local.Bind(new IPEndPoint(IPAddress.Loopback, 9));
        local.Listen(1);
        using var self = new Socket(a, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        self.Connect(new IPEndPoint(IPAddress.Loopback, 9));
        using Socket peer = local.Accept();
        self.Send("me"u8);
        Assert.Equal(2, peer.Receive(new byte[4]));
        Assert.Equal(IPAddress.Loopback, ((IPEndPoint)self.LocalEndPoint!).Address);
    }

    [Fact]
    public void Datagram_only_members_on_a_stream_socket_fail_OperationNotSupported_not_obscurely()
    {
        var w = new TcpWorld(67);
        using var s = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        Assert.Equal(SocketError.OperationNotSupported, Assert.Throws<SocketException>(() => s.SendTo(new byte[1], new IPEndPoint(TcpWorld.AddressB, 1))).SocketErrorCode);
        Assert.Equal(SocketError.OperationNotSupported, Assert.Throws<SocketException>(() => s.ReceiveFrom(new byte[1], ref any)).SocketErrorCode);
        Assert.Equal(SocketError.OperationNotSupported, Assert.Throws<SocketException>(() => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IPAddress.Parse("239.1.1.1")))).SocketErrorCode);
    }
    [Fact]
    public void NetworkStream_async_read_and_write_on_a_reset_connection_fail_with_an_IOException_wrapping_the_SocketException()
    {
        var w = new TcpWorld(67);
        using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen(4);
        var client = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        Socket server = listener.Accept();
        using var stream = new NetworkStream(client, ownsSocket: true);
        (Exception? read, Exception? write) = w.Sim.Run(async () =>
        {
            ValueTask<int> pending = stream.ReadAsync(new byte[16]); // waits: nothing sent
            server.LingerState = new LingerOption(true, 0);
            server.Close(); // a reset
            Exception? readError = null, writeError = null;
            try
            {
                await pending;
            }
            catch (Exception e)
            {
                readError = e;
            }

            try
            {
                await stream.WriteAsync(new byte[16]);
            }
            catch (Exception e)
            {
                writeError = e;
            }

            return (readError, writeError);
        });

        IOException readFailure = Assert.IsType<IOException>(read);
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(readFailure.InnerException).SocketErrorCode);
        Assert.StartsWith("Unable to read data from the transport connection: ", readFailure.Message);
        IOException writeFailure = Assert.IsType<IOException>(write);
        Assert.IsType<SocketException>(writeFailure.InnerException);
        Assert.StartsWith("Unable to write data to the transport connection: ", writeFailure.Message);
    }

    [Fact]
    public void NetworkStream_async_calls_check_the_token_first_then_throw_for_a_disposed_socket_at_the_call()
    {
        var w = new TcpWorld(68);
        using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen(4);
        var client = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        using var stream = new NetworkStream(client, ownsSocket: false);
        client.Dispose();
        Assert.True(stream.ReadAsync(new byte[4], new CancellationToken(canceled: true)).IsCanceled);
        Assert.True(stream.WriteAsync(new byte[4], new CancellationToken(canceled: true)).IsCanceled);
        Assert.Throws<ObjectDisposedException>(() => stream.ReadAsync(new byte[4]));
        Assert.Throws<ObjectDisposedException>(() => stream.WriteAsync(new byte[4]));
    }
}
