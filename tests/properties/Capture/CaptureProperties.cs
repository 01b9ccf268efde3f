using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Capture;
using SimNet.Kernel;
using SimNet.Properties.Faults;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using SimNet.Transport;
using Xunit;

namespace SimNet.Properties.Capture;

public class CaptureProperties
{
    /// <summary>A DNS query for <paramref name="name"/> (type A), built by hand as the wire format of RFC 1035.</summary>
    internal static byte[] DnsQuery(ushort id, string name)
    {
        var bytes = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (string label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange(new byte[] { 0, 0, 1, 0, 1 });
        return bytes.ToArray();
    }

    /// <summary>A world with IPv4 over a router, IPv6 on one LAN, broadcasts, ICMP errors and DNS queries, drawn from the seed.</summary>
    internal static Simulation Scenario(long seed, Stream file, CaptureFormat format, out PacketCapture capture)
    {
        var w = FaultWorld.Draw(seed, 2, 4);
        var draw = new SimRandom(unchecked((ulong)seed) ^ 0xCA97UL);
        Simulation sim = w.Sim;
        int n = w.Hosts.Count;
        for (int i = 0; i < n; i++)
        {
            w.Hosts[i].Adapters[0].AddAddress($"fd00::{i + 1}/64");
            w.Endpoints[i].Broadcast = true;
        }

        capture = sim.Capture(file, format);
        var v6 = new List<UdpEndpoint>();
        foreach (Host h in w.Hosts)
        {
            var e = new UdpEndpoint(h, AddressFamily.InterNetworkV6) { ReceiveBufferSize = 1 << 30 };
            e.Bind(IPAddress.IPv6Any, 7006);
            v6.Add(e);
        }

        int messages = draw.Next(5, 40);
        for (int i = 0; i < messages; i++)
        {
            int from = draw.Next(n), to = (from + 1 + draw.Next(n - 1)) % n;
            switch (draw.Next(6))
            {
                case 0:
                    w.Endpoints[from].SendTo(new byte[draw.Next(0, 100)], IPAddress.Broadcast, FaultWorld.Port);
                    break;
                case 1:
                    w.Endpoints[from].SendTo(new byte[4], FaultWorld.AddressOf(w.Hosts[to]), 9); // nobody there: ICMP
                    break;
                case 2:
                    w.Endpoints[from].SendTo(DnsQuery((ushort)i, $"host{i}.example.com"), FaultWorld.AddressOf(w.Hosts[to]), 53);
                    break;
                case 3:
                    int v6to = w.Router is null ? to : (from + 2) % n; // IPv6 stays on one LAN
                    if (v6to != from)
                    {
                        v6[from].SendTo(new byte[draw.Next(0, 200)], IPAddress.Parse($"fd00::{v6to + 1}"), draw.Chance(0.5) ? 7006 : 9);
                    }

                    break;
                default:
                    w.Send(from, to, i, draw.Next(0, 1000));
                    break;
            }

            sim.RunFor(TimeSpan.FromMilliseconds(draw.Next(0, 1500)));
        }

        sim.RunUntilIdle();
        capture.Dispose();
        return sim;
    }

    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"simnet-{Guid.NewGuid():N}{extension}");

    /// <summary>Every packet id the trace says reached an adapter or left one, with its addressing.</summary>
    private static Dictionary<long, TraceEvent> TraceById(Simulation sim)
    {
        var byId = new Dictionary<long, TraceEvent>();
        foreach (TraceEvent e in sim.Trace.Events)
        {
            byId.TryAdd(e.PacketId, e);
        }

        return byId;
    }

    [SimNetProperty(MaxTest = 2)]
    public Property Tshark_decodes_a_pcapng_capture_into_the_addresses_ports_and_dns_names_of_the_trace() =>
        Seeds.ForAll(seed =>
        {
            string path = TempFile(".pcapng");
            try
            {
                Simulation sim;
                PacketCapture capture;
                using (var file = File.Create(path))
                {
                    sim = Scenario(seed, file, CaptureFormat.PcapNg, out capture);
                }

                var rows = Tshark.Fields(path, "frame.comment", "frame.interface_name", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
                    "udp.srcport", "udp.dstport", "ip.checksum.status", "udp.checksum.status", "icmp.checksum.status", "icmpv6.checksum.status",
                    "dns.qry.name", "eth.src", "frame.time_epoch");
                Assert.Equal(capture.PacketCount, rows.Count);
                Dictionary<long, TraceEvent> trace = TraceById(sim);
                var adapters = sim.Hosts.SelectMany(h => h.Adapters.Prepend(h.Loopback)).Select(a => $"{a.Host.Name}/{a.Name}").ToHashSet();
                var seenIds = new HashSet<long>();
                foreach (string[] r in rows)
                {
                    Assert.True(r[0].StartsWith("SimNet #", StringComparison.Ordinal), "frame without id: " + string.Join("|", r));
                    long id = long.Parse(r[0]["SimNet #".Length..]);
                    seenIds.Add(id);
                    TraceEvent e = trace[id];
                    Assert.Contains(r[1], adapters);
                    bool v4 = e.Source.AddressFamily == AddressFamily.InterNetwork;
                    Assert.Equal(e.Source.ToString(), v4 ? r[2] : r[4]);
                    Assert.Equal(e.Destination.ToString(), v4 ? r[3] : r[5]);
                    if (e.Protocol == 17)
                    {
                        Assert.Equal(e.SourcePort.ToString(), r[6]);
                        Assert.Equal(e.DestinationPort.ToString(), r[7]);
                        Assert.Equal("1", r[9]); // checksum good
                    }
                    else
                    {
                        Assert.Equal("1", v4 ? r[10] : r[11]); // ICMP / ICMPv6 checksum good
                        Assert.Equal(e.Destination.ToString(), v4 ? r[3] : r[5]);
                    }

                    if (v4)
                    {
                        Assert.Equal("1", r[8]);
                    }

                    if (e.Protocol == 17 && e.DestinationPort == 53)
                    {
                        Assert.Matches(@"^host\d+\.example\.com$", r[12]);
                    }

                    double epoch = double.Parse(r[14], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.InRange(epoch, 946684800, 946684800 + 3600); // virtual time since 2000-01-01
                }

                // Nothing malformed or suspicious: no expert info at warning level or above (each packet is recorded once).
                var flagged = Tshark.FieldsWhere(path, "_ws.expert.severity >= 6291456", "frame.comment", "_ws.expert.message");
                Assert.True(flagged.Count == 0, "tshark flagged: " + string.Join("; ", flagged.Select(f => string.Join(' ', f))));

                // Every packet the trace delivered left its sender, so it (or the packet it was copied from) is in the capture.
                Dictionary<long, long> parents = sim.Trace.Events.Where(e => e.Kind == TraceKind.Copy).ToDictionary(e => e.PacketId, e => e.ParentId);
                foreach (TraceEvent e in sim.Trace.Events.Where(e => e.Kind == TraceKind.Deliver))
                {
                    long root = e.PacketId;
                    while (parents.TryGetValue(root, out long parent))
                    {
                        root = parent;
                    }

                    Assert.Contains(root, seenIds);
                }

                int dns = sim.Trace.Events.Count(e => e.Kind == TraceKind.Send && e.DestinationPort == 53);
                Assert.Equal(dns > 0, rows.Any(r => r[12].Length > 0));
            }
            finally
            {
                if (Environment.GetEnvironmentVariable("SIMNET_KEEP_CAPTURE") is null) { File.Delete(path); }
            }
        });

    [SimNetProperty(MaxTest = 1)]
    public Property Tshark_reads_a_classic_pcap_capture_with_the_same_frames_as_pcapng() =>
        Seeds.ForAll(seed =>
        {
            string ng = TempFile(".pcapng"), classic = TempFile(".pcap");
            try
            {
                using (var file = File.Create(ng))
                {
                    Scenario(seed, file, CaptureFormat.PcapNg, out _);
                }

                using (var file = File.Create(classic))
                {
                    Scenario(seed, file, CaptureFormat.Pcap, out _);
                }

                string[] fields = { "frame.time_epoch", "eth.src", "eth.dst", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.srcport", "udp.dstport", "udp.length", "icmp.type", "icmpv6.type", "frame.len" };
                var a = Tshark.Fields(ng, fields).Select(r => string.Join('|', r)).ToList();
                var b = Tshark.Fields(classic, fields).Select(r => string.Join('|', r)).ToList();
                Assert.NotEmpty(a);
                Assert.Equal(a, b);
            }
            finally
            {
                File.Delete(ng);
                File.Delete(classic);
            }
        });

    [SimNetProperty(MaxTest = 1)]
    public Property Tshark_decodes_synthesized_tcp_headers_with_correct_checksums() =>
        Seeds.ForAll(seed =>
        {
            var draw = new SimRandom(unchecked((ulong)seed) ^ 0x7C9UL);
            var sim = new Simulation(seed);
            Segment lan = sim.AddSegment("lan");
            Host a = sim.AddHost("a");
            a.AddAdapter("eth0", lan, "10.0.0.1/24", "fd00::1/64");
            Host b = sim.AddHost("b");
            b.AddAdapter("eth0", lan, "10.0.0.2/24", "fd00::2/64");
            b.Tcp = null; // no TCP stack on b answering the synthesized segments with RSTs: only they are captured
            string path = TempFile(".pcapng");
            var sent = new List<(uint Seq, uint Ack, byte Flags, int Length, int SourcePort)>();
            try
            {
                using (PacketCapture capture = sim.Capture(path, CapturePoints.EveryAdapter))
                {
                    lock (sim.Gate)
                    {
                        for (int i = 0; i < 20; i++)
                        {
                            IPAddress to = IPAddress.Parse(i % 2 == 0 ? "10.0.0.2" : "fd00::2");
                            Ip.RouteDecision route = a.Route(to, null, 0);
                            Ip.Packet p = sim.Packets.Rent(draw.Next(0, 500));
                            p.Protocol = 6;
                            p.Source = route.Source!;
                            p.Destination = to;
                            p.SourcePort = draw.Next(1024, 65536);
                            p.DestinationPort = 80;
                            p.Sequence = (uint)draw.Next(int.MaxValue);
                            p.Acknowledgment = (uint)draw.Next(int.MaxValue);
                            p.TcpFlags = (byte)draw.Next(1, 32);
                            p.Window = draw.Next(0, 65536);
                            p.Ttl = 64;
                            sent.Add((p.Sequence, p.Acknowledgment, p.TcpFlags, p.Length, p.SourcePort));
                            a.Send(p, route);
                        }
                    }

                    sim.RunUntilIdle();
                }

                var rows = Tshark.Fields(path, "tcp.srcport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags", "tcp.len", "tcp.checksum.status", "frame.interface_name");
                Assert.Equal(2 * sent.Count, rows.Count); // all leave a at once, then all reach b
                for (int i = 0; i < rows.Count; i++)
                {
                    var s = sent[i % sent.Count];
                    string[] r = rows[i];
                    Assert.Equal(s.SourcePort.ToString(), r[0]);
                    Assert.Equal(s.Seq.ToString(), r[1]);
                    Assert.Equal(s.Ack.ToString(), r[2]);
                    Assert.Equal(Convert.ToInt32(r[3], 16), s.Flags);
                    Assert.Equal(s.Length.ToString(), r[4]);
                    Assert.Equal("1", r[5]);
                    Assert.Equal(i < sent.Count ? "a/eth0" : "b/eth0", r[6]);
                }
            }
            finally
            {
                File.Delete(path);
            }
        });
}
