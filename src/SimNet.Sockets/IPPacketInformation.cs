using System.Net;
using SimNet.Topology;

namespace SimNet.Sockets;

/// <summary>
/// Where a datagram arrived: the destination address it was sent to and the adapter it came in on.
/// Mirrors <see cref="System.Net.Sockets.IPPacketInformation"/>, which cannot be constructed outside the runtime.
/// </summary>
public readonly struct IPPacketInformation : IEquatable<IPPacketInformation>
{
    internal IPPacketInformation(IPAddress address, NetworkAdapter? adapter)
    {
        Address = address;
        Adapter = adapter;
    }

    /// <summary>The destination address of the datagram (a unicast address of this host, a broadcast address or a group).</summary>
    public IPAddress Address { get; }

    /// <summary>The interface index of the adapter it arrived on (1 for loopback), as <c>IP_PKTINFO</c> reports.</summary>
    public int Interface => Adapter?.Index ?? 0;

    /// <summary>The adapter it arrived on.</summary>
    public NetworkAdapter? Adapter { get; }

    /// <inheritdoc />
    public bool Equals(IPPacketInformation other) => Equals(Address, other.Address) && Adapter == other.Adapter;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IPPacketInformation other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Address, Interface); // for Equals only; nothing orders by it

    /// <summary>Equality.</summary>
    public static bool operator ==(IPPacketInformation left, IPPacketInformation right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(IPPacketInformation left, IPPacketInformation right) => !left.Equals(right);
}

/// <summary>The result of <see cref="Socket.ReceiveMessageFromAsync(Memory{byte}, System.Net.Sockets.SocketFlags, EndPoint, CancellationToken)"/>.</summary>
public struct SocketReceiveMessageFromResult
{
    /// <summary>Bytes copied into the buffer.</summary>
    public int ReceivedBytes;

    /// <summary>Flags of the received datagram (<see cref="System.Net.Sockets.SocketFlags.Truncated"/> when it did not fit).</summary>
    public System.Net.Sockets.SocketFlags SocketFlags;

    /// <summary>Who sent it.</summary>
    public EndPoint RemoteEndPoint;

    /// <summary>Where it arrived.</summary>
    public IPPacketInformation PacketInformation;
}
