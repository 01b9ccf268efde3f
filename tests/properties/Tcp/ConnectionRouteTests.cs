using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Tracing;
using SimNet.Transport.Tcp;
using Xunit;

namespace SimNet.Properties.Tcp;

/// <summary>A connection reuses its route decision between segments; every topology change must still reach it.</summary>
public class ConnectionRouteTests
{
    [Fact]
    public void A_connections_segments_follow_a_route_added_mid_connection_and_return_when_its_adapter_goes_down()
    {
        var sim = new Simulation(7);
        Segment lan = sim.AddSegment("lan");
        Segment side = sim.AddSegment("side");
        Host a = sim.AddHost("a");
        a.AddAdapter("eth0", lan, "10.0.0.1/24");
        NetworkAdapter sideAdapter = a.AddAdapter("eth1", side, "10.9.0.1/24");
        Host b = sim.AddHost("b");
        b.AddAdapter("eth0", lan, "10.0.0.2/24");
        var listener = new TcpEndpoint(b, AddressFamily.InterNetwork);
        listener.Bind(IPAddress.Any, 80);
        listener.Listen(1);
        var client = new TcpEndpoint(a, AddressFamily.InterNetwork) { NoDelay = true };
        Assert.Equal(SocketError.Success, client.Connect(IPAddress.Parse("10.0.0.2"), 80));
        sim.RunUntilIdle();
        Assert.Equal(SocketError.Success, listener.TryAccept(out TcpEndpoint? server));
        Assert.Equal(SocketError.Success, client.Send(new byte[100], out _));
        sim.RunFor(TimeSpan.FromMilliseconds(1));
        Assert.Equal("eth0", LastSendFrom(sim, "a"));

        // A host route through the side segment wins by its longer prefix: the next segment leaves there (and finds nobody).
        a.AddRoute("10.0.0.2/32", sideAdapter);
        Assert.Equal(SocketError.Success, client.Send(new byte[100], out _));
        sim.RunFor(TimeSpan.FromMilliseconds(1));
        Assert.Equal("eth1", LastSendFrom(sim, "a"));

        // The side adapter goes down: its route is unused, the retransmission goes out on eth0 and the data arrives.
        sideAdapter.IsUp = false;
        sim.RunFor(TimeSpan.FromSeconds(5));
        Assert.Equal("eth0", LastSendFrom(sim, "a"));
        var buffer = new byte[300];
        Assert.Equal(SocketError.Success, server!.Receive(buffer, false, out int received));
        Assert.Equal(200, received);
    }

    private static string? LastSendFrom(Simulation sim, string host)
    {
        for (int i = sim.Trace.Events.Count - 1; i >= 0; i--)
        {
            TraceEvent e = sim.Trace.Events[i];
            if (e.Kind == TraceKind.Send && e.Host == host)
            {
                return e.Adapter;
            }
        }

        return null;
    }
}
