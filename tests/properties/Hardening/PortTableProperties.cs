using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Hardening;

/// <summary>UDP and TCP share one port table and one set of bind rules.</summary>
public class PortTableProperties
{
    /// <summary>One bind: the socket's family and dual mode, the address (by index into <see cref="Addresses"/>), the port, ReuseAddress; or a crash/restart of the host.</summary>
    public readonly record struct BindStep(bool V6, bool DualMode, int Address, int Port, bool Reuse, int Crash);

    private static readonly string[] Addresses =
    [
        "0.0.0.0", "::", "::ffff:0.0.0.0", "10.0.0.2", "::ffff:10.0.0.2", "10.0.0.9", "127.0.0.1", "::1", "2001:db8::2", "::ffff:127.0.0.1",
    ];

    private static readonly Gen<BindStep> Step =
        from v6 in Gen.Elements(false, true)
        from dual in Gen.Elements(false, true)
        from address in Gen.Choose(0, Addresses.Length - 1)
        from port in Gen.Elements(0, 80, 80, 81)
        from reuse in Gen.Elements(false, false, true)
        from crash in Gen.Frequency((12, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
        select new BindStep(v6, dual, address, port, reuse, crash);

    /// <summary>Runs the steps with sockets of one protocol and returns each step's outcome.</summary>
    private static List<string> Outcomes(BindStep[] steps, ProtocolType protocol, bool listenFirst = false)
    {
        var sim = new Simulation(7);
        Segment lan = sim.AddSegment("lan");
        Host h = sim.AddHost("h");
        NetworkAdapter eth = h.AddAdapter("eth0", lan, "10.0.0.2/24");
        eth.AddAddress(IPAddress.Parse("2001:db8::2"), 64);
        var outcomes = new List<string>();
        foreach (BindStep s in steps)
        {
            if (s.Crash == 1 && h.IsUp)
            {
                h.Crash();
                outcomes.Add("crash");
                continue;
            }

            if (s.Crash == 2 && !h.IsUp)
            {
                h.Restart();
                outcomes.Add("restart");
                continue;
            }

            var socket = new Socket(h, s.V6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork, protocol == ProtocolType.Udp ? SocketType.Dgram : SocketType.Stream, protocol);
            try
            {
                if (s.V6)
                {
                    socket.DualMode = s.DualMode;
                }

                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, s.Reuse);
                socket.Bind(new IPEndPoint(IPAddress.Parse(Addresses[s.Address]), s.Port));
                if (listenFirst && outcomes.Count == 0)
                {
                    socket.Listen(1);
                }

                outcomes.Add(s.Port == 0 ? "ok ephemeral" : "ok");
            }
            catch (SocketException e)
            {
                outcomes.Add(e.SocketErrorCode.ToString());
                socket.Dispose();
            }
            catch (Exception e)
            {
                outcomes.Add(e.GetType().Name);
                socket.Dispose();
            }
        }

        return outcomes;
    }

    [SimNetProperty(MaxTest = 300)]
    public Property The_same_bind_sequence_gives_the_same_result_for_UDP_and_TCP() =>
        Prop.ForAll(Arb.From(Gen.ArrayOf(Step)), steps =>
        {
            // .NET sets SO_REUSEADDR before every TCP bind on Unix, so a TCP bind meets the table as a UDP bind with ReuseAddress does (none listens here).
            List<string> udp = Outcomes(Array.ConvertAll(steps, s => s with { Reuse = true }), ProtocolType.Udp);
            List<string> tcp = Outcomes(steps, ProtocolType.Tcp);
            Assert.Equal(udp, tcp);
        });

    [Fact]
    public void A_dual_mode_wildcard_written_as_the_mapped_IPv4_wildcard_conflicts_with_an_IPv4_bind_for_UDP_and_TCP_alike()
    {
        foreach (ProtocolType protocol in new[] { ProtocolType.Udp, ProtocolType.Tcp })
        {
            List<string> got = Outcomes(
            [
                new BindStep(V6: true, DualMode: true, Address: 2, Port: 80, Reuse: false, Crash: 0),
                new BindStep(V6: false, DualMode: false, Address: 3, Port: 80, Reuse: false, Crash: 0),
                new BindStep(V6: true, DualMode: false, Address: 8, Port: 80, Reuse: false, Crash: 0),
            ], protocol, listenFirst: protocol == ProtocolType.Tcp);

            // TCP binds always carry SO_REUSEADDR (.NET on Unix): the port is shared unless the first socket listens, which it does here.
            Assert.Equal(["ok", "AddressAlreadyInUse", "ok"], got);
        }
    }

    [Fact]
    public void A_crashed_host_binds_nothing_for_UDP_and_TCP_alike()
    {
        foreach (ProtocolType protocol in new[] { ProtocolType.Udp, ProtocolType.Tcp })
        {
            List<string> got = Outcomes(
            [
                new BindStep(V6: false, DualMode: false, Address: 0, Port: 80, Reuse: false, Crash: 1),
                new BindStep(V6: false, DualMode: false, Address: 0, Port: 80, Reuse: false, Crash: 0),
                new BindStep(V6: false, DualMode: false, Address: 0, Port: 80, Reuse: false, Crash: 2),
                new BindStep(V6: false, DualMode: false, Address: 0, Port: 80, Reuse: false, Crash: 0),
            ], protocol);
            Assert.Equal(["crash", "NetworkDown", "restart", "ok"], got);
        }
    }
}
