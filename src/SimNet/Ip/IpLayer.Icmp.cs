using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Tracing;

namespace SimNet.Ip;

/// <summary>ICMP: port unreachable out, and errors in to the transport that sent the quoted packet.</summary>
internal sealed partial class IpLayer
{
    internal const byte IcmpDestinationUnreachable = 3;
    internal const byte IcmpPortUnreachableCode = 3;
    internal const byte Icmp6DestinationUnreachable = 1;
    internal const byte Icmp6PortUnreachableCode = 4;

    /// <summary>Answers a unicast datagram nobody wanted with ICMP port unreachable, quoting its addressing.</summary>
    internal void SendPortUnreachable(Packet original)
    {
        bool v4 = original.Destination.AddressFamily == AddressFamily.InterNetwork;
        RouteDecision route = Route(original.Source, original.Destination, 0);
        if (route.Error != SocketError.Success)
        {
            return;
        }

        Simulation sim = host.Simulation;
        Packet icmp = sim.Packets.Rent(0);
        icmp.Protocol = v4 ? IpProtocol.Icmp : IpProtocol.IcmpV6;
        icmp.Source = route.Source!;
        icmp.Destination = original.Source;
        icmp.SourcePort = 0;
        icmp.DestinationPort = 0;
        icmp.Ttl = 64;
        icmp.IcmpType = v4 ? IcmpDestinationUnreachable : Icmp6DestinationUnreachable;
        icmp.IcmpCode = v4 ? IcmpPortUnreachableCode : Icmp6PortUnreachableCode;
        icmp.QuotedProtocol = original.Protocol;
        icmp.QuotedSource = original.Source;
        icmp.QuotedSourcePort = original.SourcePort;
        icmp.QuotedDestination = original.Destination;
        icmp.QuotedDestinationPort = original.DestinationPort;
        Send(icmp, route);
    }

    private void ReceiveIcmp(Packet packet)
    {
        int receivers = 0;
        bool portUnreachable = packet.Protocol == IpProtocol.Icmp
            ? packet.IcmpType == IcmpDestinationUnreachable && packet.IcmpCode == IcmpPortUnreachableCode
            : packet.IcmpType == Icmp6DestinationUnreachable && packet.IcmpCode == Icmp6PortUnreachableCode;
        if (portUnreachable && packet.QuotedProtocol == IpProtocol.Udp)
        {
            receivers = host.Udp.ReportUnreachable(packet);
        }
        else if (packet.QuotedProtocol == IpProtocol.Tcp && host.Tcp is { } tcp)
        {
            receivers = tcp.ReportIcmp(packet);
        }

        host.Simulation.Deliver(packet, host, receivers);
        host.Simulation.Packets.Return(packet);
    }
}
