using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Tracing;
using SimNet.Transport.Tcp;
using Xunit;

namespace SimNet.Properties.Tcp;

public class TcpKernelTests
{
    [Fact]
    public void Handshake_then_bytes_flow_both_ways_and_close_gracefully()
    {
        var w = new TcpWorld(1, new LinkConditions { Latency = TimeSpan.FromMilliseconds(5) });
        TcpEndpoint listener = w.Listen();
        (TcpEndpoint client, TcpEndpoint server) = w.Connect(listener);
        Assert.Equal(TcpState.Established, server.State);
        Assert.Equal(SocketError.Success, client.Send("hello"u8, out int sent));
        Assert.Equal(5, sent);
        Assert.True(w.DriveUntil(() => server.Available == 5));
        var buf = new byte[16];
        Assert.Equal(SocketError.Success, server.Receive(buf, false, out int n));
        Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(buf, 0, n));
        client.Close();
        Assert.True(w.DriveUntil(() => server.State == TcpState.CloseWait));
        Assert.Equal(SocketError.Success, server.Receive(buf, false, out n));
        Assert.Equal(0, n);
        server.Close();
        w.Sim.RunUntilIdle();
        Assert.Equal(TcpState.Closed, server.State);
        Assert.Equal(TcpState.Closed, client.State);
        Assert.Equal(0, w.A.Tcp is TcpStack a ? a.ConnectionCount : -1);
    }

    [Fact]
    public void Connect_to_a_port_nobody_listens_on_is_refused_by_RST()
    {
        var w = new TcpWorld(2);
        var client = new TcpEndpoint(w.A, AddressFamily.InterNetwork);
        Assert.Equal(SocketError.Success, client.Connect(TcpWorld.AddressB, 81));
        w.Sim.RunUntilIdle();
        Assert.True(client.ConnectFinished);
        Assert.Equal(SocketError.ConnectionRefused, client.ConnectError);
        Assert.Equal(1, w.Sim.Trace.Dropped(DropReason.NoConnection));
    }

    [Fact]
    public void Unanswered_SYNs_time_out_after_the_Linux_retries()
    {
        var w = new TcpWorld(3, new LinkConditions { LossRate = 1 });
        var client = new TcpEndpoint(w.A, AddressFamily.InterNetwork);
        Assert.Equal(SocketError.Success, client.Connect(TcpWorld.AddressB, 80));
        w.Sim.RunUntilIdle();
        Assert.Equal(SocketError.TimedOut, client.ConnectError);
        Assert.Equal(127, (int)w.Sim.Clock.Elapsed.TotalSeconds);
        Assert.Equal(7, w.Sim.Trace.Dropped(DropReason.Loss));
    }

    [Fact]
    public void A_new_SYN_for_an_address_pair_in_TIME_WAIT_opens_a_new_connection_at_once()
    {
        var w = new TcpWorld(4);
        TcpEndpoint listener = w.Listen();
        (TcpEndpoint client, TcpEndpoint server) = w.Connect(listener);
        int clientPort = client.LocalPort;
        server.Close(); // the server closes first, so the server end waits in TIME_WAIT
        w.DriveUntil(() => client.State == TcpState.CloseWait);
        client.Close();
        w.DriveUntil(() => client.State == TcpState.Closed);
        Assert.Equal(TcpState.TimeWait, server.State);

        var again = new TcpEndpoint(w.A, AddressFamily.InterNetwork);
        Assert.Equal(SocketError.Success, again.Bind(TcpWorld.AddressA, clientPort));
        Assert.Equal(SocketError.Success, again.Connect(TcpWorld.AddressB, 80));
        TimeSpan start = w.Sim.Clock.Elapsed;
        TcpEndpoint? accepted = null;
        Assert.True(w.DriveUntil(() => again.ConnectFinished && listener.TryAccept(out accepted) == SocketError.Success));
        Assert.Equal(TcpState.Established, again.State);
        Assert.Equal(TcpState.Closed, server.State);
        Assert.True(w.Sim.Clock.Elapsed - start < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_connection_through_a_router_over_two_lossy_reordering_links_delivers_every_byte()
    {
        var sim = new Simulation(5);
        Segment left = sim.AddSegment("left");
        Segment right = sim.AddSegment("right");
        left.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(3), LossRate = 0.1, ReorderRate = 0.2 };
        right.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(20), Jitter = TimeSpan.FromMilliseconds(10), DuplicationRate = 0.1 };
        Host a = sim.AddHost("a");
        a.AddAdapter("eth0", left, "10.1.0.2/24");
        a.AddDefaultRoute("10.1.0.1");
        Host r = sim.AddRouter("r");
        r.AddAdapter("eth0", left, "10.1.0.1/24");
        r.AddAdapter("eth1", right, "10.2.0.1/24");
        Host b = sim.AddHost("b");
        b.AddAdapter("eth0", right, "10.2.0.2/24");
        b.AddDefaultRoute("10.2.0.1");

        var listener = new TcpEndpoint(b, AddressFamily.InterNetwork);
        listener.Bind(IPAddress.Any, 80);
        listener.Listen(1);
        var client = new TcpEndpoint(a, AddressFamily.InterNetwork);
        Assert.Equal(SocketError.Success, client.Connect(IPAddress.Parse("10.2.0.2"), 80));
        byte[] data = new byte[200_000];
        new Random(5).NextBytes(data);
        var got = new List<byte>();
        TcpEndpoint? server = null;
        int sent = 0;
        var buffer = new byte[10_000];
        for (int i = 0; i < 1_000_000 && got.Count < data.Length; i++)
        {
            if (client.State == TcpState.Established && sent < data.Length && client.Send(data.AsSpan(sent), out int n) == SocketError.Success)
            {
                sent += n;
            }

            if (server is null)
            {
                listener.TryAccept(out server);
            }

            while (server is not null && server.Receive(buffer, false, out int m) == SocketError.Success && m > 0)
            {
                got.AddRange(buffer.AsSpan(0, m).ToArray());
            }

            if (!sim.Step())
            {
                break;
            }
        }

        Assert.True(got.ToArray().AsSpan().SequenceEqual(data));
        Assert.True(sim.Trace.Count(TraceKind.Forward) > 0);
    }
}
