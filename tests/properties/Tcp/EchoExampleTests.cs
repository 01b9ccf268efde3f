using System.Net;
using System.Net.Sockets;
using System.Text;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;
using TcpClient = SimNet.Sockets.TcpClient;
using TcpListener = SimNet.Sockets.TcpListener;
using NetworkStream = SimNet.Sockets.NetworkStream;

namespace SimNet.Properties.Tcp;

public class EchoExampleTests
{
    /// <summary>The echo server and client of docs/tcp.md, kept compiling and passing here.</summary>
    [Fact]
    public void The_docs_echo_server_returns_every_line_the_client_sends()
    {
        var sim = new Simulation(seed: 5);
        Segment lan = sim.AddSegment("lan");
        lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(2), LossRate = 0.05 };
        Host server = sim.AddHost("server");
        server.AddAdapter("eth0", lan, "10.0.0.1/24");
        Host client = sim.AddHost("client");
        client.AddAdapter("eth0", lan, "10.0.0.2/24");

        Task echo = sim.Spawn(server, async () =>
        {
            var listener = new TcpListener(IPAddress.Any, 7);
            listener.Start();
            using TcpClient peer = await listener.AcceptTcpClientAsync();
            NetworkStream stream = peer.GetStream();
            var buffer = new byte[1024];
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, n));
            }

            listener.Stop();
        });

        var replies = new List<string>();
        client.Run(async () =>
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Parse("10.0.0.1"), 7);
            NetworkStream stream = tcp.GetStream();
            foreach (string line in new[] { "hello", "simulated", "world" })
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(line));
                var buffer = new byte[64];
                int n = await stream.ReadAsync(buffer);
                replies.Add(Encoding.UTF8.GetString(buffer, 0, n));
            }
        });

        sim.RunUntilIdle();
        Assert.Equal(new[] { "hello", "simulated", "world" }, replies);
        Assert.True(echo.IsCompletedSuccessfully, echo.Exception?.ToString());
    }

    [Fact]
    public void Blocking_sockets_echo_between_two_hosts_driven_by_the_calls_themselves()
    {
        var w = new TcpWorld(9, new LinkConditions { Latency = TimeSpan.FromMilliseconds(1) });
        using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 9000));
        listener.Listen(4);
        using var client = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(TcpWorld.AddressB, 9000));
        Assert.True(client.Connected);
        using Socket accepted = listener.Accept();
        Assert.Equal(client.LocalEndPoint, accepted.RemoteEndPoint);
        Assert.Equal(5, client.Send("hello"u8));
        var buffer = new byte[16];
        int n = accepted.Receive(buffer);
        Assert.Equal("hello", Encoding.ASCII.GetString(buffer, 0, n));
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal(0, accepted.Receive(buffer));
        Assert.Equal(0, accepted.Receive(buffer));
        accepted.Send("bye"u8); // the half-closed side can still send
        n = client.Receive(buffer);
        Assert.Equal("bye", Encoding.ASCII.GetString(buffer, 0, n));
    }
}
