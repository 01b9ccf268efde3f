using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Tracing;

namespace SimNet.Ip;

/// <summary>
/// One host's IP layer: decides how packets leave (<see cref="Route"/>), puts them on their way
/// (<see cref="Send"/>), accepts, forwards or drops what arrives (<see cref="Receive"/>), and speaks ICMP.
/// The host keeps its adapters, routes and transport stacks; this class only reads them.
/// </summary>
internal sealed partial class IpLayer
{
    private readonly Host host;
    private readonly List<NetworkAdapter> adapters;
    private readonly List<Route> routes;

    /// <summary>How many static routes the host has (its route list's count, kept here so a lookup reads no list when there are none).</summary>
    internal int RouteCount { get; set; }

    internal IpLayer(Host host, List<NetworkAdapter> adapters, List<Route> routes)
    {
        this.host = host;
        this.adapters = adapters;
        this.routes = routes;
    }

    /// <summary>Puts a packet the host's stack built on its way, as <paramref name="route"/> decided.</summary>
    internal void Send(Packet packet, in RouteDecision route)
    {
        Simulation sim = host.Simulation;
        NetworkAdapter adapter = route.Adapter!;
        packet.Origin = host;
        sim.Record(TraceKind.Send, packet, host, adapter);
        if (!host.IsUp)
        {
            sim.Drop(packet, host, adapter, DropReason.HostDown);
            return;
        }

        if (route.IsLocal)
        {
            sim.ScheduleDelivery(0, host.Loopback, packet);
            return;
        }

        if (!adapter.IsUp)
        {
            sim.Drop(packet, host, adapter, DropReason.AdapterDown);
            return;
        }

        if (adapter.Segment is null)
        {
            // Out by loopback though not addressed to this host (multicast with IP_MULTICAST_IF 1): the
            // loopback's wire is the host itself, so the packet comes back in and is accepted or dropped there.
            sim.ScheduleDelivery(0, adapter, packet);
            return;
        }

        // Linux loops a copy of every broadcast back to the sending host, and a copy of multicast
        // when IP_MULTICAST_LOOP is on and the host has joined the group on the outgoing adapter.
        if (route.IsBroadcast || (route.IsMulticast && packet.LoopMulticast && adapter.IsMember(packet.Destination)))
        {
            sim.ScheduleDelivery(0, adapter, sim.CopyPacket(packet, host, adapter));
        }

        if (route.IsMulticast && packet.Ttl == 0)
        {
            // Linux keeps multicast with TTL 0 on the sending host: only the loopback copy exists.
            sim.Drop(packet, host, adapter, DropReason.ScopeExceeded);
            return;
        }

        adapter.Segment!.Transmit(packet, adapter, route.NextHop);
    }

    /// <summary>A packet arrives on <paramref name="adapter"/>: accept it, forward it, or drop it with a reason.</summary>
    internal void Receive(Packet packet, NetworkAdapter adapter)
    {
        Simulation sim = host.Simulation;
        if (!host.IsUp)
        {
            sim.Drop(packet, host, adapter, DropReason.HostDown);
            return;
        }

        if (!adapter.IsUp)
        {
            sim.Drop(packet, host, adapter, DropReason.AdapterDown);
            return;
        }

        IPAddress destination = packet.Destination;
        if (adapter.IsLoopback)
        {
            // A group sent on lo reaches this host's sockets only if the host joined it on lo.
            if (AddressRules.IsMulticast(destination) && !adapter.IsMember(destination))
            {
                sim.Drop(packet, host, adapter, DropReason.NotAMember);
                return;
            }

            DeliverLocally(packet);
            return;
        }

        if (AddressRules.IsMulticast(destination))
        {
            if (host.Forwards && packet.Origin != host)
            {
                ForwardMulticast(packet, adapter);
            }

            if (adapter.IsMember(destination))
            {
                DeliverLocally(packet);
            }
            else
            {
                sim.Drop(packet, host, adapter, DropReason.NotAMember);
            }

            return;
        }

        // Own address first: the common case, and the three checks have no side effects. A packet the segment
        // handed to the owner of its destination needs no walk over the host's adapters to know it.
        if (packet.ToLinkOwner || host.FindAdapterOwning(destination) is not null || AddressRules.IsLimitedBroadcast(destination) || adapter.IsDirectedBroadcast(destination))
        {
            DeliverLocally(packet);
            return;
        }

        if (host.Forwards)
        {
            Forward(packet, adapter);
            return;
        }

        sim.Drop(packet, host, adapter, DropReason.NotForThisHost);
    }

    private void Forward(Packet packet, NetworkAdapter arrivedOn)
    {
        Simulation sim = host.Simulation;
        if (packet.Ttl <= 1)
        {
            sim.Drop(packet, host, arrivedOn, DropReason.TtlExpired);
            return;
        }

        if (!TryLookup(packet.Destination, out NetworkAdapter adapter, out IPAddress? gateway, out AdapterAddress? subnet))
        {
            sim.Drop(packet, host, arrivedOn, DropReason.NoRoute);
            return;
        }

        if (gateway is null && subnet is not null && subnet.IsBroadcast(packet.Destination))
        {
            // Linux does not forward directed broadcasts by default (bc_forwarding = 0).
            sim.Drop(packet, host, arrivedOn, DropReason.NotForThisHost);
            return;
        }

        packet.Ttl--;
        sim.Record(TraceKind.Forward, packet, host, adapter);
        adapter.Segment!.Transmit(packet, adapter, gateway ?? packet.Destination);
    }

    private void ForwardMulticast(Packet packet, NetworkAdapter arrivedOn)
    {
        if (packet.Ttl <= 1 || AddressRules.IsLinkLocalMulticast(packet.Destination))
        {
            return;
        }

        Simulation sim = host.Simulation;
        for (int i = 0; i < adapters.Count; i++)
        {
            NetworkAdapter out_ = adapters[i];
            if (out_ == arrivedOn || !out_.IsUp)
            {
                continue;
            }

            Packet copy = sim.CopyPacket(packet, host, arrivedOn);
            copy.Ttl--;
            sim.Record(TraceKind.Forward, copy, host, out_);
            out_.Segment!.Transmit(copy, out_, null);
        }
    }

    private void DeliverLocally(Packet packet)
    {
        switch (packet.Protocol)
        {
            case IpProtocol.Udp:
                host.Udp.Deliver(packet);
                break;
            case IpProtocol.Icmp:
            case IpProtocol.IcmpV6:
                ReceiveIcmp(packet);
                break;
            default:
                if (packet.Protocol == IpProtocol.Tcp && host.Tcp is { } tcp)
                {
                    tcp.Deliver(packet);
                }
                else
                {
                    host.Simulation.Drop(packet, host, packet.ArrivedOn, DropReason.NoConnection);
                }

                break;
        }
    }
}
