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
}
