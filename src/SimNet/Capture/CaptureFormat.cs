namespace SimNet.Capture;

/// <summary>The file format a <see cref="PacketCapture"/> writes.</summary>
public enum CaptureFormat
{
    /// <summary>pcapng: one interface per simulated adapter (named <c>host/adapter</c>), direction flags, and the SimNet packet id as a comment on each packet.</summary>
    PcapNg = 0,

    /// <summary>Classic pcap (nanosecond timestamps): one Ethernet link, no interface names; for older tools.</summary>
    Pcap = 1,
}
