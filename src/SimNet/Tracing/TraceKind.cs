namespace SimNet.Tracing;

/// <summary>What happened to a packet.</summary>
public enum TraceKind
{
    /// <summary>A host's stack put a new packet on the network (or on its loopback).</summary>
    Send = 1,

    /// <summary>A packet was copied: one copy per extra receiver of a broadcast or multicast, a loopback copy, or a duplicate made by a fault. The copy has its own id and names its parent.</summary>
    Copy = 2,

    /// <summary>A router passed the packet on to another segment (TTL decremented).</summary>
    Forward = 3,

    /// <summary>Terminal: the packet reached a transport endpoint (a socket, the TCP stack, an ICMP handler).</summary>
    Deliver = 4,

    /// <summary>Terminal: the packet was discarded; <see cref="TraceEvent.Reason"/> says why.</summary>
    Drop = 5,

    /// <summary>A fault changed the packet on the way (corruption, delay); not terminal.</summary>
    Fault = 6,
}
