using SimNet.Ip;

namespace SimNet.Transport;

/// <summary>A transport stack a host hands packets of its protocol to (TCP plugs in here).</summary>
internal interface IProtocolHandler
{
    /// <summary>Takes ownership of a packet addressed to this host; must deliver or drop it with a reason.</summary>
    void Deliver(Packet packet);

    /// <summary>An ICMP error quoting a packet of this protocol arrived; returns how many endpoints it reached.</summary>
    int ReportIcmp(Packet icmp);
}
