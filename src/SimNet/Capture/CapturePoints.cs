namespace SimNet.Capture;

/// <summary>Where a <see cref="PacketCapture"/> records packets: once each (the default), or at every adapter they pass.</summary>
public enum CapturePoints
{
    /// <summary>
    /// Each packet once, where its sending host puts it on the wire: at the adapter it leaves by (the host's
    /// <c>lo</c> for traffic a host sends itself). A router forwarding it does not record it again, a receiver does not
    /// record its arrival, and a fault's duplicate or corruption on the link is not shown (the packet is recorded as it
    /// was sent). Packets a router sends itself (ICMP errors) are its own and recorded where it sends them. This is
    /// what one capture point in front of every sender would see: tshark's TCP and DNS analysis of a clean run reports
    /// no retransmissions or duplicate ACKs, and a packet lost on the way still shows (it left its sender).
    /// </summary>
    Senders = 0,

    /// <summary>
    /// Every adapter's view: each packet as it leaves an adapter and again as it reaches one (both ends of every link,
    /// each router hop, broadcast copies, fault duplicates and corruptions as received). The pcapng interface names
    /// (<c>host/adapter</c>) and direction flags tell the views apart; filter one interface
    /// (<c>frame.interface_name == "a/eth0"</c>) before analysing TCP, since the same segment seen at two adapters
    /// looks like a retransmission to tshark.
    /// </summary>
    EveryAdapter = 1,
}
