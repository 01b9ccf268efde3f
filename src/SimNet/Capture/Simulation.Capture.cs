using SimNet.Capture;
using SimNet.Ip;
using SimNet.Topology;

namespace SimNet;

/// <summary>Packet capture: taps on every adapter, written as pcapng or pcap.</summary>
public sealed partial class Simulation
{
    private readonly List<PacketCapture> captures = new();

    /// <summary>
    /// Starts capturing every frame sent or received on any adapter into <paramref name="stream"/>,
    /// until the capture is disposed. Timestamps are virtual time.
    /// </summary>
    public PacketCapture Capture(Stream stream, CaptureFormat format = CaptureFormat.PcapNg, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream must be writable.", nameof(stream));
        }

        lock (Gate)
        {
            var capture = new PacketCapture(this, stream, format, leaveOpen);
            captures.Add(capture);
            return capture;
        }
    }

    /// <summary>Starts capturing into a new file at <paramref name="path"/> (see <see cref="Capture(Stream, CaptureFormat, bool)"/>).</summary>
    public PacketCapture Capture(string path, CaptureFormat format = CaptureFormat.PcapNg)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Capture(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), format);
    }

    internal void StopCapture(PacketCapture capture) => captures.Remove(capture);

    /// <summary>A frame passes <paramref name="adapter"/>: sent by it when <paramref name="outbound"/>, else received.</summary>
    internal void Tap(NetworkAdapter adapter, Packet packet, bool outbound, NetworkAdapter? peer)
    {
        for (int i = 0; i < captures.Count; i++)
        {
            captures[i].Write(adapter, packet, outbound, peer);
        }
    }
}
