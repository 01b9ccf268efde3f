using SimNet.Capture;
using SimNet.Ip;
using SimNet.Topology;

namespace SimNet;

/// <summary>Packet capture: taps on the adapters, written as pcapng or pcap.</summary>
public sealed partial class Simulation
{
    private readonly List<PacketCapture> captures = new();

    /// <summary>
    /// Starts capturing into <paramref name="stream"/>, until the capture is disposed: each packet once, as its sending
    /// host puts it on the wire (<see cref="CapturePoints.Senders"/>). Timestamps are virtual time.
    /// </summary>
    public PacketCapture Capture(Stream stream, CaptureFormat format = CaptureFormat.PcapNg, bool leaveOpen = false) =>
        Capture(stream, CapturePoints.Senders, format, leaveOpen);

    /// <summary>
    /// Starts capturing into <paramref name="stream"/> at <paramref name="points"/> (<see cref="CapturePoints.EveryAdapter"/>:
    /// each packet as it leaves and as it reaches every adapter), until the capture is disposed. Timestamps are virtual time.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="stream"/> is not writable, or <paramref name="points"/> is not a defined value.</exception>
    public PacketCapture Capture(Stream stream, CapturePoints points, CaptureFormat format = CaptureFormat.PcapNg, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("The stream must be writable.", nameof(stream));
        }

        if (points is not (CapturePoints.Senders or CapturePoints.EveryAdapter))
        {
            throw new ArgumentException($"{points} is not a CapturePoints value: use Senders or EveryAdapter.", nameof(points));
        }

        lock (Gate)
        {
            var capture = new PacketCapture(this, stream, format, points, leaveOpen);
            captures.Add(capture);
            return capture;
        }
    }

    /// <summary>Starts capturing into a new file at <paramref name="path"/>, each packet once (see <see cref="Capture(Stream, CaptureFormat, bool)"/>).</summary>
    public PacketCapture Capture(string path, CaptureFormat format = CaptureFormat.PcapNg) => Capture(path, CapturePoints.Senders, format);

    /// <summary>Starts capturing into a new file at <paramref name="path"/> at <paramref name="points"/> (see <see cref="Capture(Stream, CapturePoints, CaptureFormat, bool)"/>).</summary>
    public PacketCapture Capture(string path, CapturePoints points, CaptureFormat format = CaptureFormat.PcapNg)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Capture(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16), points, format);
    }

    internal void StopCapture(PacketCapture capture) => captures.Remove(capture);

    /// <summary>
    /// A frame passes <paramref name="adapter"/>: sent by it when <paramref name="outbound"/>, else received. A
    /// <see cref="CapturePoints.Senders"/> capture keeps only the sending host's transmission and what arrives on a wire-less
    /// adapter (loopback), where nothing was transmitted.
    /// </summary>
    internal void Tap(NetworkAdapter adapter, Packet packet, bool outbound, NetworkAdapter? peer)
    {
        for (int i = 0; i < captures.Count; i++)
        {
            PacketCapture capture = captures[i];
            if (capture.Points == CapturePoints.EveryAdapter || (outbound ? packet.Origin == adapter.Host : adapter.Segment is null))
            {
                capture.Write(adapter, packet, outbound, peer);
            }
        }
    }
}
