using System.Buffers.Binary;
using System.Text;
using SimNet.Ip;
using SimNet.Topology;

namespace SimNet.Capture;

/// <summary>
/// A packet capture of a whole simulation, written as pcapng or pcap with virtual timestamps. By default it records each
/// packet once, at the adapter its sending host puts it on the wire by (<see cref="CapturePoints.Senders"/>); ask for
/// <see cref="CapturePoints.EveryAdapter"/> to see both ends of every link and every router hop. Open the file in
/// Wireshark or with <c>tshark -r</c>. Start one with <see cref="Simulation.Capture(Stream, CaptureFormat, bool)"/>.
/// </summary>
/// <remarks>
/// Frames are synthesized (see the remarks on MAC addresses in the docs): Ethernet II, IPv4/IPv6, and UDP,
/// TCP or ICMP headers with correct checksums. A packet corrupted by a fault shows its flipped payload on
/// the receiving side (<see cref="CapturePoints.EveryAdapter"/>) with a checksum that no longer matches only if it got
/// there (checksum-evading corruption).
/// </remarks>
public sealed class PacketCapture : IDisposable
{
    private const uint SectionHeaderBlock = 0x0A0D0D0A;
    private const uint InterfaceDescriptionBlock = 1;
    private const uint EnhancedPacketBlock = 6;
    private const ushort LinkTypeEthernet = 1;
    private const int SnapLength = 262144;

    private readonly Simulation simulation;
    private readonly Stream stream;
    private readonly bool leaveOpen;
    private readonly Dictionary<NetworkAdapter, int> interfaces = new(ReferenceEqualityComparer.Instance);
    private readonly long epochTicks;
    private byte[] buffer = new byte[2048];
    private bool disposed;

    internal PacketCapture(Simulation simulation, Stream stream, CaptureFormat format, CapturePoints points, bool leaveOpen)
    {
        Points = points;
        this.simulation = simulation;
        this.stream = stream;
        this.leaveOpen = leaveOpen;
        Format = format;
        epochTicks = (simulation.Clock.Start - DateTimeOffset.UnixEpoch).Ticks;
        if (format == CaptureFormat.PcapNg)
        {
            WriteSectionHeader();
            foreach (Host host in simulation.Hosts)
            {
                InterfaceOf(host.Loopback);
                foreach (NetworkAdapter adapter in host.Adapters)
                {
                    InterfaceOf(adapter);
                }
            }
        }
        else
        {
            WritePcapHeader();
        }
    }

    /// <summary>The format being written.</summary>
    public CaptureFormat Format { get; }

    /// <summary>Where packets are recorded: once each at their sender (the default), or at every adapter.</summary>
    public CapturePoints Points { get; }

    /// <summary>How many frames were written so far.</summary>
    public long PacketCount { get; private set; }

    /// <summary>Writes buffered frames through to the stream.</summary>
    public void Flush()
    {
        lock (simulation.Gate)
        {
            stream.Flush();
        }
    }

    /// <summary>Stops capturing, flushes, and closes the stream unless it was to be left open.</summary>
    public void Dispose()
    {
        lock (simulation.Gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            simulation.StopCapture(this);
            stream.Flush();
            if (!leaveOpen)
            {
                stream.Dispose();
            }
        }
    }

    /// <summary>Writes one frame: the packet as it left (<paramref name="outbound"/>) or reached <paramref name="adapter"/>.</summary>
    internal void Write(NetworkAdapter adapter, Packet packet, bool outbound, NetworkAdapter? peer)
    {
        int frameLength = FrameBuilder.FrameLength(packet);
        int needed = frameLength + 128;
        if (buffer.Length < needed)
        {
            buffer = new byte[Math.Max(needed, buffer.Length * 2)];
        }

        long timestamp = epochTicks + simulation.Clock.NowTicks; // 100 ns units since 1970
        if (Format == CaptureFormat.Pcap)
        {
            Span<byte> record = buffer;
            int n = FrameBuilder.Write(record[16..], packet, adapter, outbound, peer);
            BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(timestamp / TimeSpan.TicksPerSecond));
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(timestamp % TimeSpan.TicksPerSecond * 100));
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)n);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)n);
            stream.Write(buffer, 0, 16 + n);
        }
        else
        {
            int id = InterfaceOf(adapter);
            Span<byte> block = buffer;
            int frame = FrameBuilder.Write(block[28..], packet, adapter, outbound, peer);
            int at = 28 + Pad4(frame);
            block[(28 + frame)..at].Clear();

            // epb_flags: direction in bits 0-1 (1 inbound, 2 outbound).
            at = WriteOption(block, at, 2, outbound ? 2u : 1u);
            at = WriteOption(block, at, 1, $"SimNet #{packet.Id}");
            at = WriteEndOfOptions(block, at);
            int total = at + 4;
            BinaryPrimitives.WriteUInt32LittleEndian(block, EnhancedPacketBlock);
            BinaryPrimitives.WriteUInt32LittleEndian(block[4..], (uint)total);
            BinaryPrimitives.WriteUInt32LittleEndian(block[8..], (uint)id);
            BinaryPrimitives.WriteUInt32LittleEndian(block[12..], (uint)((ulong)timestamp >> 32));
            BinaryPrimitives.WriteUInt32LittleEndian(block[16..], (uint)timestamp);
            BinaryPrimitives.WriteUInt32LittleEndian(block[20..], (uint)frame);
            BinaryPrimitives.WriteUInt32LittleEndian(block[24..], (uint)frame);
            BinaryPrimitives.WriteUInt32LittleEndian(block[at..], (uint)total);
            stream.Write(buffer, 0, total);
        }

        PacketCount++;
    }

    private int InterfaceOf(NetworkAdapter adapter)
    {
        if (interfaces.TryGetValue(adapter, out int id))
        {
            return id;
        }

        id = interfaces.Count;
        interfaces.Add(adapter, id);
        Span<byte> block = stackalloc byte[512];
        BinaryPrimitives.WriteUInt32LittleEndian(block, InterfaceDescriptionBlock);
        BinaryPrimitives.WriteUInt16LittleEndian(block[8..], LinkTypeEthernet);
        BinaryPrimitives.WriteUInt16LittleEndian(block[10..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(block[12..], SnapLength);
        int at = 16;
        at = WriteOption(block, at, 2, Truncate($"{adapter.Host.Name}/{adapter.Name}"));     // if_name
        Span<byte> mac = stackalloc byte[6];
        FrameBuilder.WriteMac(mac, adapter);
        at = WriteOption(block, at, 6, mac);                                                 // if_MACaddr
        at = WriteOption(block, at, 9, stackalloc byte[] { 7 });                             // if_tsresol: 10^-7 s, the tick
        at = WriteEndOfOptions(block, at);
        int total = at + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(block[at..], (uint)total);
        stream.Write(block[..total]);
        return id;
    }

    private static string Truncate(string s) => s.Length > 200 ? s[..200] : s;

    private void WriteSectionHeader()
    {
        Span<byte> block = stackalloc byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(block, SectionHeaderBlock);
        BinaryPrimitives.WriteUInt32LittleEndian(block[8..], 0x1A2B3C4D);
        BinaryPrimitives.WriteUInt16LittleEndian(block[12..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(block[14..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(block[16..], -1); // section length unknown
        int at = WriteOption(block, 24, 4, "SimNet");              // shb_userappl
        at = WriteEndOfOptions(block, at);
        int total = at + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], (uint)total);
        BinaryPrimitives.WriteUInt32LittleEndian(block[at..], (uint)total);
        stream.Write(block[..total]);
    }

    private void WritePcapHeader()
    {
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B23C4D); // nanosecond timestamps
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], LinkTypeEthernet);
        stream.Write(header);
    }

    private static int Pad4(int n) => (n + 3) & ~3;

    private static int WriteOption(Span<byte> block, int at, ushort code, string value)
    {
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        int n = Encoding.UTF8.GetBytes(value, bytes);
        return WriteOption(block, at, code, bytes[..n]);
    }

    private static int WriteOption(Span<byte> block, int at, ushort code, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return WriteOption(block, at, code, bytes);
    }

    private static int WriteOption(Span<byte> block, int at, ushort code, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(block[at..], code);
        BinaryPrimitives.WriteUInt16LittleEndian(block[(at + 2)..], (ushort)value.Length);
        value.CopyTo(block[(at + 4)..]);
        int end = at + 4 + Pad4(value.Length);
        block[(at + 4 + value.Length)..end].Clear();
        return end;
    }

    private static int WriteEndOfOptions(Span<byte> block, int at)
    {
        block.Slice(at, 4).Clear();
        return at + 4;
    }
}
