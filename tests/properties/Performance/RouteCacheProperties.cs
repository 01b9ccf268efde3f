using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Tracing;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Performance;

public class RouteCacheProperties
{
    /// <summary>Steps: 0 send, 1 toggle an adapter, 2 add a default route, 3 add an address.</summary>
    private sealed record Case(TopologySpec Spec, (int Kind, int A, int B)[] Steps);

    private static Gen<Case> Cases() =>
        from spec in Topologies.Any(minHosts: 2, maxHosts: 4)
        from steps in Gen.ArrayOf(
            from kind in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 3)))
            from a in Gen.Choose(0, 20)
            from b in Gen.Choose(0, 20)
            select (kind, a, b))
        select new Case(spec, steps);

    [SimNetProperty]
    public Property A_socket_that_reuses_its_route_routes_exactly_like_a_new_socket_after_any_topology_change()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var net = new Network(c.Spec);
            var sender = net.Hosts[0];
            using var longLived = new Socket(sender, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
            int added = 0;
            foreach ((int kind, int a, int b) in c.Steps)
            {
                switch (kind)
                {
                    case 1 when sender.Adapters.Count > 0:
                        var adapter = sender.Adapters[a % sender.Adapters.Count];
                        adapter.IsUp = !adapter.IsUp;
                        continue;
                    case 2 when sender.Adapters.Count > 0:
                        sender.AddDefaultRoute(sender.Adapters[a % sender.Adapters.Count]);
                        continue;
                    case 3 when sender.Adapters.Count > 0:
                        sender.Adapters[a % sender.Adapters.Count].AddAddress($"192.168.{added++}.1/24");
                        continue;
                }

                int target = 1 + (a % (net.Hosts.Length - 1));
                int segment = c.Spec.HostSegments[target][b % c.Spec.HostSegments[target].Length];
                IPAddress destination = (b % 3) switch
                {
                    0 => Network.Address(target, segment),
                    1 => Network.SubnetBroadcast(segment),
                    _ => IPAddress.Broadcast,
                };
                using var fresh = new Socket(sender, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
                Assert.Equal(Outcome(net.Sim, fresh, destination), Outcome(net.Sim, longLived, destination));
            }
        });
    }

    /// <summary>The error, or the adapter and source address of the packet the send put on the network.</summary>
    private static string Outcome(Simulation sim, Socket socket, IPAddress destination)
    {
        int before = sim.Trace.Events.Count;
        try
        {
            socket.SendTo(new byte[1], new IPEndPoint(destination, 9));
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode.ToString();
        }

        TraceEvent send = sim.Trace.Events.Skip(before).First(e => e.Kind == TraceKind.Send);
        return $"{send.Adapter} from {send.Source}";
    }
}
