using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using SimNet.Ip;
using SimNet.Topology;

namespace SimNet.Capture;

/// <summary>
/// Turns a simulated packet into the Ethernet frame a real wire would carry: Ethernet II, an IPv4 or
/// IPv6 header, a UDP, TCP or ICMP header with a correct checksum, then the payload.
/// </summary>
/// <remarks>
/// MAC addresses are made up but stable: <c>02:00:hh:hh:aa:aa</c> from the host's and adapter's
/// position (locally administered, so never a real vendor's); loopback is all zeros, as on Linux.
/// IPv4 identification is the low 16 bits of the packet id.
/// </remarks>
internal static class FrameBuilder
{
    public const int EthernetHeader = 14;
    private const int UdpHeader = 8;
    private const int TcpHeader = 20;
    private const int IcmpHeader = 8;

    /// <summary>The IP packet's length on the wire, headers included (what an MTU limits).</summary>
    public static int IpLength(Packet p) => IpHeaderLength(p) + TransportLength(p);

    private static bool IsV4(Packet p) => AddressRules.Unmap(p.Destination).AddressFamily == AddressFamily.InterNetwork;

    private static int IpHeaderLength(Packet p) => IsV4(p) ? 20 : 40;

    private static int TransportLength(Packet p) => p.Protocol switch
    {
        IpProtocol.Udp => UdpHeader + p.Length,
        IpProtocol.Tcp => TcpHeader + p.Length,
        IpProtocol.Icmp or IpProtocol.IcmpV6 when IsQuoting(p) => IcmpHeader + (IsV4(p) ? 20 : 40) + 8,
        _ => IcmpHeader + p.Length,
    };

    private static bool IsQuoting(Packet p) => p.QuotedProtocol != 0;

    /// <summary>The length of the Ethernet frame <see cref="Write"/> produces.</summary>
    public static int FrameLength(Packet p) => EthernetHeader + IpLength(p);

    /// <summary>The adapter's made-up MAC address.</summary>
    public static void WriteMac(Span<byte> mac, NetworkAdapter? adapter)
    {
        if (adapter is null || adapter.IsLoopback)
        {
            mac[..6].Clear();
            return;
        }

        mac[0] = 0x02;
        mac[1] = 0x00;
        BinaryPrimitives.WriteUInt16BigEndian(mac[2..], (ushort)adapter.Host.Index);
        BinaryPrimitives.WriteUInt16BigEndian(mac[4..], (ushort)adapter.Index);
    }

    /// <summary>
    /// Writes the frame of <paramref name="p"/> as seen on <paramref name="adapter"/>: sent by it when
    /// <paramref name="outbound"/>, else received. <paramref name="peer"/> is the adapter at the other end, if known.
    /// </summary>
    public static int Write(Span<byte> frame, Packet p, NetworkAdapter adapter, bool outbound, NetworkAdapter? peer)
    {
        NetworkAdapter? source = outbound ? adapter : peer ?? adapter;
        NetworkAdapter? target = outbound ? peer : adapter;
        IPAddress destination = AddressRules.Unmap(p.Destination);
        if (adapter.IsLoopback)
        {
            frame[..12].Clear();
        }
        else
        {
            WriteDestinationMac(frame, destination, target, adapter);
            WriteMac(frame[6..], source);
        }

        bool v4 = IsV4(p);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], v4 ? (ushort)0x0800 : (ushort)0x86DD);
        Span<byte> ip = frame[EthernetHeader..];
        int transportLength = TransportLength(p);
        int ipHeader = v4
            ? WriteIPv4Header(ip, p.Protocol, AddressRules.Unmap(p.Source), destination, transportLength, (ushort)p.Id, p.DontFragment, p.Ttl)
            : WriteIPv6Header(ip, p.Protocol, Map6(p.Source), Map6(p.Destination), transportLength, p.Ttl);
        WriteTransport(ip[ipHeader..], p, v4, ip, transportLength);
        return EthernetHeader + ipHeader + transportLength;
    }

    private static void WriteDestinationMac(Span<byte> frame, IPAddress destination, NetworkAdapter? target, NetworkAdapter adapter)
    {
        Span<byte> ip = stackalloc byte[16];
        destination.TryWriteBytes(ip, out int n);
        if (AddressRules.IsMulticast(destination))
        {
            if (n == 4)
            {
                frame[0] = 0x01;
                frame[1] = 0x00;
                frame[2] = 0x5E;
                frame[3] = (byte)(ip[1] & 0x7F);
                frame[4] = ip[2];
                frame[5] = ip[3];
            }
            else
            {
                frame[0] = 0x33;
                frame[1] = 0x33;
                ip.Slice(12, 4).CopyTo(frame[2..]);
            }
        }
        else if (AddressRules.IsLimitedBroadcast(destination) || adapter.IsDirectedBroadcast(destination) || target is null)
        {
            frame[..6].Fill(0xFF);
        }
        else
        {
            WriteMac(frame, target);
        }
    }

    private static IPAddress Map6(IPAddress a) => a.AddressFamily == AddressFamily.InterNetwork ? a.MapToIPv6() : a;

    private static int WriteIPv4Header(Span<byte> ip, int protocol, IPAddress source, IPAddress destination, int transportLength, ushort id, bool dontFragment, int ttl)
    {
        ip[0] = 0x45;
        ip[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + transportLength));
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], id);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], dontFragment ? (ushort)0x4000 : (ushort)0);
        ip[8] = (byte)Math.Clamp(ttl, 0, 255);
        ip[9] = (byte)protocol;
        ip[10] = 0;
        ip[11] = 0;
        source.TryWriteBytes(ip[12..], out _);
        destination.TryWriteBytes(ip[16..], out _);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Finish(Sum(ip[..20], 0)));
        return 20;
    }

    private static int WriteIPv6Header(Span<byte> ip, int protocol, IPAddress source, IPAddress destination, int transportLength, int hopLimit)
    {
        BinaryPrimitives.WriteUInt32BigEndian(ip, 0x60000000);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)transportLength);
        ip[6] = (byte)protocol;
        ip[7] = (byte)Math.Clamp(hopLimit, 0, 255);
        source.TryWriteBytes(ip[8..], out _);
        destination.TryWriteBytes(ip[24..], out _);
        return 40;
    }

    private static void WriteTransport(Span<byte> t, Packet p, bool v4, Span<byte> ipHeader, int length)
    {
        int checksumAt;
        switch (p.Protocol)
        {
            case IpProtocol.Udp:
                BinaryPrimitives.WriteUInt16BigEndian(t, (ushort)p.SourcePort);
                BinaryPrimitives.WriteUInt16BigEndian(t[2..], (ushort)p.DestinationPort);
                BinaryPrimitives.WriteUInt16BigEndian(t[4..], (ushort)length);
                t.Slice(6, 2).Clear();
                p.Payload.CopyTo(t[UdpHeader..]);
                checksumAt = 6;
                break;
            case IpProtocol.Tcp:
                BinaryPrimitives.WriteUInt16BigEndian(t, (ushort)p.SourcePort);
                BinaryPrimitives.WriteUInt16BigEndian(t[2..], (ushort)p.DestinationPort);
                BinaryPrimitives.WriteUInt32BigEndian(t[4..], p.Sequence);
                BinaryPrimitives.WriteUInt32BigEndian(t[8..], p.Acknowledgment);
                t[12] = 0x50; // five 32-bit words, no options
                t[13] = p.TcpFlags;
                BinaryPrimitives.WriteUInt16BigEndian(t[14..], (ushort)Math.Clamp(p.Window, 0, 65535));
                t.Slice(16, 4).Clear();
                p.Payload.CopyTo(t[TcpHeader..]);
                checksumAt = 16;
                break;
            default:
                t[0] = p.IcmpType;
                t[1] = p.IcmpCode;
                t.Slice(2, 6).Clear();
                if (IsQuoting(p))
                {
                    WriteQuote(t[IcmpHeader..], p, v4);
                }
                else
                {
                    p.Payload.CopyTo(t[IcmpHeader..]);
                }

                checksumAt = 2;
                break;
        }

        // ICMPv4 has no pseudo-header; UDP, TCP and ICMPv6 cover the addresses too.
        uint sum = p.Protocol == IpProtocol.Icmp ? 0 : PseudoHeaderSum(ipHeader, v4, p.Protocol, length);
        ushort checksum = Finish(Sum(t[..length], sum));
        if (checksum == 0 && p.Protocol == IpProtocol.Udp)
        {
            checksum = 0xFFFF; // zero means "no checksum" in UDP
        }

        BinaryPrimitives.WriteUInt16BigEndian(t[checksumAt..], checksum);
    }

    /// <summary>The start of the datagram an ICMP error is about: its IP header and first 8 bytes.</summary>
    private static void WriteQuote(Span<byte> q, Packet p, bool v4)
    {
        IPAddress source = p.QuotedSource;
        IPAddress destination = p.QuotedDestination;
        int header = v4
            ? WriteIPv4Header(q, p.QuotedProtocol, AddressRules.Unmap(source), AddressRules.Unmap(destination), 8, 0, false, 64)
            : WriteIPv6Header(q, p.QuotedProtocol, Map6(source), Map6(destination), 8, 64);
        Span<byte> t = q[header..];
        BinaryPrimitives.WriteUInt16BigEndian(t, (ushort)p.QuotedSourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], (ushort)p.QuotedDestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(t[4..], 8);
        t.Slice(6, 2).Clear();
    }

    private static uint PseudoHeaderSum(Span<byte> ip, bool v4, int protocol, int length)
    {
        uint sum = v4 ? Sum(ip.Slice(12, 8), 0) : Sum(ip.Slice(8, 32), 0);
        sum += (uint)protocol;
        sum += (uint)(length & 0xFFFF) + (uint)(length >> 16);
        return sum;
    }

    /// <summary>The ones' complement sum of big-endian 16-bit words (RFC 1071), not yet folded.</summary>
    private static uint Sum(ReadOnlySpan<byte> data, uint sum)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += (uint)((data[i] << 8) | data[i + 1]);
        }

        if (i < data.Length)
        {
            sum += (uint)(data[i] << 8);
        }

        return sum;
    }

    private static ushort Finish(uint sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
