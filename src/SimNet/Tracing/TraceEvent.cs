using System.Globalization;
using System.Net;
using System.Text;

namespace SimNet.Tracing;

/// <summary>One line of the trace: what happened to which packet, where, and when (virtual time).</summary>
/// <param name="Time">Virtual time since the simulation started.</param>
/// <param name="Kind">What happened.</param>
/// <param name="PacketId">The packet, numbered in order of creation from 1.</param>
/// <param name="ParentId">For <see cref="TraceKind.Copy"/>, the packet copied; otherwise 0.</param>
/// <param name="Reason">For <see cref="TraceKind.Drop"/>, why; otherwise <see cref="DropReason.None"/>.</param>
/// <param name="Protocol">The IP protocol number (17 UDP, 6 TCP, 1 ICMP, 58 ICMPv6).</param>
/// <param name="Host">The host where it happened.</param>
/// <param name="Adapter">The adapter involved, if any.</param>
/// <param name="Source">Source address.</param>
/// <param name="SourcePort">Source port (0 for ICMP).</param>
/// <param name="Destination">Destination address.</param>
/// <param name="DestinationPort">Destination port (0 for ICMP).</param>
/// <param name="Length">Transport payload length in bytes.</param>
/// <param name="Receivers">For <see cref="TraceKind.Deliver"/>, how many sockets got it.</param>
public readonly record struct TraceEvent(
    TimeSpan Time,
    TraceKind Kind,
    long PacketId,
    long ParentId,
    DropReason Reason,
    int Protocol,
    string Host,
    string? Adapter,
    IPAddress Source,
    int SourcePort,
    IPAddress Destination,
    int DestinationPort,
    int Length,
    int Receivers)
{
    /// <summary>A stable one-line rendering, the same in every process and culture.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(96);
        sb.Append(CultureInfo.InvariantCulture, $"{Time.Ticks / 10,12}us #{PacketId} {Kind}");
        if (Kind == TraceKind.Drop)
        {
            sb.Append('(').Append(Reason).Append(')');
        }

        if (ParentId != 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $" of #{ParentId}");
        }

        sb.Append(CultureInfo.InvariantCulture, $" {ProtocolName(Protocol)} {Format(Source, SourcePort)} > {Format(Destination, DestinationPort)} len={Length} at {Host}");
        if (Adapter is not null)
        {
            sb.Append('/').Append(Adapter);
        }

        if (Kind == TraceKind.Deliver)
        {
            sb.Append(CultureInfo.InvariantCulture, $" to {Receivers}");
        }

        return sb.ToString();
    }

    internal static string ProtocolName(int protocol) => protocol switch
    {
        17 => "UDP",
        6 => "TCP",
        1 => "ICMP",
        58 => "ICMPv6",
        _ => protocol.ToString(CultureInfo.InvariantCulture),
    };

    private static string Format(IPAddress address, int port) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{address}]:{port.ToString(CultureInfo.InvariantCulture)}"
            : $"{address}:{port.ToString(CultureInfo.InvariantCulture)}";
}
