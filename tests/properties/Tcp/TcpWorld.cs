using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Transport.Tcp;
using Xunit;

namespace SimNet.Properties.Tcp;

/// <summary>Two hosts on one segment, a listener on the second, and helpers that drive the kernel by hand.</summary>
internal sealed class TcpWorld
{
    public static readonly IPAddress AddressA = IPAddress.Parse("10.0.0.1");
    public static readonly IPAddress AddressB = IPAddress.Parse("10.0.0.2");

    public TcpWorld(long seed, LinkConditions? conditions = null)
    {
        Sim = new Simulation(seed);
        Lan = Sim.AddSegment("lan");
        A = Sim.AddHost("a");
        A.AddAdapter("eth0", Lan, "10.0.0.1/24");
        B = Sim.AddHost("b");
        B.AddAdapter("eth0", Lan, "10.0.0.2/24");
        if (conditions is not null)
        {
            Lan.Conditions = conditions;
        }
    }

    public Simulation Sim { get; }

    public Segment Lan { get; }

    public Host A { get; }

    public Host B { get; }

    public TcpEndpoint Listen(int port = 80, int backlog = 16)
    {
        var listener = new TcpEndpoint(B, AddressFamily.InterNetwork);
        Assert.Equal(SocketError.Success, listener.Bind(IPAddress.Any, port));
        Assert.Equal(SocketError.Success, listener.Listen(backlog));
        return listener;
    }

    /// <summary>
    /// Connects a fresh client on A to <paramref name="listener"/> and accepts it; both ends established.
    /// The handshake runs over a perfect link (the segment's conditions apply again afterwards), so
    /// tests of what follows are not cut short by a handshake a bad link could not finish.
    /// </summary>
    public (TcpEndpoint Client, TcpEndpoint Server) Connect(TcpEndpoint listener)
    {
        LinkConditions conditions = Lan.Conditions;
        Lan.Conditions = LinkConditions.Perfect with { Latency = conditions.Latency };
        var client = new TcpEndpoint(A, AddressFamily.InterNetwork);
        Assert.Equal(SocketError.Success, client.Connect(AddressB, listener.LocalPort));
        TcpEndpoint? server = null;
        Assert.True(DriveUntil(() => client.ConnectFinished && listener.TryAccept(out server) == SocketError.Success));
        Lan.Conditions = conditions;
        Assert.Equal(TcpState.Established, client.State);
        return (client, server!);
    }

    /// <summary>Steps the simulation until <paramref name="condition"/> holds; false when the agenda ran dry first.</summary>
    public bool DriveUntil(Func<bool> condition, int maxSteps = 1_000_000)
    {
        for (int i = 0; i < maxSteps; i++)
        {
            if (condition())
            {
                return true;
            }

            if (!Sim.Step())
            {
                return condition();
            }
        }

        return condition();
    }
}
