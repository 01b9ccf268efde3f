namespace SimNet.Tracing;

/// <summary>Why a packet was discarded. Every drop in SimNet carries one.</summary>
public enum DropReason
{
    /// <summary>Not a drop.</summary>
    None = 0,

    /// <summary>No route to the destination from the sending or forwarding host.</summary>
    NoRoute,

    /// <summary>The next hop is not on the segment (nobody answered for that address).</summary>
    HostUnreachable,

    /// <summary>No socket listens on the destination port; an ICMP port unreachable goes back for unicast.</summary>
    PortUnreachable,

    /// <summary>A connected UDP socket discarded a datagram from a source other than its peer.</summary>
    FilteredByConnect,

    /// <summary>The packet was addressed to an address the receiving host does not own, and the host does not forward.</summary>
    NotForThisHost,

    /// <summary>The receiving adapter has not joined the multicast group.</summary>
    NotAMember,

    /// <summary>The socket's receive buffer was full.</summary>
    ReceiveBufferFull,

    /// <summary>A broadcast or multicast reached no other adapter on its segment.</summary>
    Unheard,

    /// <summary>The time to live reached zero at a router.</summary>
    TtlExpired,

    /// <summary>The packet is larger than the link's MTU and may not be fragmented.</summary>
    TooBig,

    /// <summary>The link lost the packet (a loss fault).</summary>
    Loss,

    /// <summary>A partition blocks the path between the two hosts.</summary>
    Partition,

    /// <summary>The sending or receiving adapter is down.</summary>
    AdapterDown,

    /// <summary>The packet's checksum failed after corruption.</summary>
    ChecksumFailed,

    /// <summary>The receiving host has crashed.</summary>
    HostDown,

    /// <summary>The link's queue was full (bandwidth fault).</summary>
    QueueFull,

    /// <summary>The socket was closed while the packet was queued for it.</summary>
    SocketClosed,

    /// <summary>A TCP segment that no connection wanted (answered with RST where the real stack would).</summary>
    NoConnection,

    /// <summary>A multicast datagram whose TTL did not allow it to leave the segment, or a link-local group at a router.</summary>
    ScopeExceeded,

    /// <summary>A TCP segment outside the receive window, holding only bytes already received, or acknowledging nothing sent (answered with an ACK or RST as RFC 9293 says).</summary>
    OutOfWindow,

    /// <summary>A SYN for a listener whose accept queue is full (Linux drops it; the client's SYN retries may get in later).</summary>
    ListenQueueFull,
}
