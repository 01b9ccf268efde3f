using System.Net;

namespace SimNet.Ip;

/// <summary>IP protocol numbers SimNet carries.</summary>
internal static class IpProtocol
{
    public const int Icmp = 1;
    public const int Tcp = 6;
    public const int Udp = 17;
    public const int IcmpV6 = 58;
}

/// <summary>
/// One packet in flight: IP header fields, transport ports, and the transport payload.
/// A packet has exactly one owner at a time (a delivery event, a socket queue, a TCP buffer);
/// fan-out makes copies with their own ids, and the owner returns it to the pool when done.
/// </summary>
internal sealed class Packet
{
    public long Id;
    public int Protocol;
    public IPAddress Source = IPAddress.Any;
    public IPAddress Destination = IPAddress.Any;
    public int SourcePort;
    public int DestinationPort;
    public int Ttl;
    public bool DontFragment;

    /// <summary>IP_MULTICAST_LOOP of the sending socket: whether the sending host hears its own multicast.</summary>
    public bool LoopMulticast;

    /// <summary>The payload lives in <see cref="Buffer"/>[0..<see cref="Length"/>).</summary>
    public byte[] Buffer = Array.Empty<byte>();
    public int Length;

    /// <summary>The adapter the packet arrived on, set on delivery.</summary>
    public Topology.NetworkAdapter? ArrivedOn;

    /// <summary>The adapter that put the packet on its current link (its Ethernet source in a capture).</summary>
    public Topology.NetworkAdapter? LinkSender;

    /// <summary>Where the transmission started, for loop checks and partition faults.</summary>
    public Topology.Host? Origin;

    /// <summary>
    /// Set by the segment when the adapter it hands the packet to owns the packet's destination (the next hop
    /// was the destination itself): the receiving IP layer then knows the packet is for its host without
    /// walking the host's adapters and their addresses (cold objects, with thousands of hosts).
    /// </summary>
    public bool ToLinkOwner;

    // TCP header fields (used when Protocol is TCP).
    public uint Sequence;
    public uint Acknowledgment;
    public byte TcpFlags;
    public int Window;

    // ICMP fields (used when Protocol is ICMP): type, code, and the quoted packet's addressing.
    public byte IcmpType;
    public byte IcmpCode;
    public int QuotedProtocol;
    public IPAddress QuotedSource = IPAddress.Any;
    public int QuotedSourcePort;
    public IPAddress QuotedDestination = IPAddress.Any;
    public int QuotedDestinationPort;

    public ReadOnlySpan<byte> Payload => Buffer.AsSpan(0, Length);

    public Memory<byte> PayloadMemory => Buffer.AsMemory(0, Length);

    internal bool InPool;

    public void CopyHeaderFrom(Packet other)
    {
        Protocol = other.Protocol;
        Source = other.Source;
        Destination = other.Destination;
        SourcePort = other.SourcePort;
        DestinationPort = other.DestinationPort;
        Ttl = other.Ttl;
        DontFragment = other.DontFragment;
        LoopMulticast = other.LoopMulticast;
        ArrivedOn = other.ArrivedOn;
        Origin = other.Origin;
        Sequence = other.Sequence;
        Acknowledgment = other.Acknowledgment;
        TcpFlags = other.TcpFlags;
        Window = other.Window;
        IcmpType = other.IcmpType;
        IcmpCode = other.IcmpCode;
        QuotedProtocol = other.QuotedProtocol;
        QuotedSource = other.QuotedSource;
        QuotedSourcePort = other.QuotedSourcePort;
        QuotedDestination = other.QuotedDestination;
        QuotedDestinationPort = other.QuotedDestinationPort;
    }
}

/// <summary>
/// Recycles packets and their buffers so the steady-state packet path allocates nothing.
/// One pool per simulation, used under the simulation's lock.
/// </summary>
internal sealed class PacketPool
{
    private readonly Stack<Packet> free = new();
    private long nextId = 1;

    public Packet Rent(int payloadLength)
    {
        Packet p = free.Count > 0 ? free.Pop() : new Packet();
        p.InPool = false;
        if (p.Buffer.Length < payloadLength)
        {
            p.Buffer = new byte[Math.Max(payloadLength, 64)];
        }

        p.Length = payloadLength;
        p.Id = nextId++;
        p.ArrivedOn = null;
        p.Origin = null;
        p.LinkSender = null;
        p.ToLinkOwner = false;
        p.TcpFlags = 0;
        p.Sequence = 0;
        p.Acknowledgment = 0;
        p.Window = 0;
        p.DontFragment = false;
        return p;
    }

    /// <summary>A copy with a new id and its own payload buffer.</summary>
    public Packet Clone(Packet original)
    {
        Packet copy = Rent(original.Length);
        copy.CopyHeaderFrom(original);
        original.Payload.CopyTo(copy.Buffer);
        return copy;
    }

    public void Return(Packet p)
    {
        if (p.InPool)
        {
            throw new InvalidOperationException($"Packet #{p.Id} returned to the pool twice: an ownership bug in SimNet.");
        }

        p.InPool = true;
        p.ArrivedOn = null;
        p.Origin = null;
        free.Push(p);
    }
}
