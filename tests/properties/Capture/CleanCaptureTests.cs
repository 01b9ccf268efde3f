using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Capture;
using SimNet.Names;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using Xunit;
using Dns = SimNet.Sockets.Dns;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Capture;

/// <summary>
/// A capture records each packet once by default (<see cref="CapturePoints.Senders"/>: where its sending host puts it on
/// the wire), so the real tshark's expert analysis of a clean run finds nothing to warn about; the every-adapter view
/// of the same run is what made it report false retransmissions.
/// </summary>
public class CleanCaptureTests
{
    /// <summary>
    /// app and ns on one LAN, web behind a router on another: app resolves web by DNS, sends it
    /// <paramref name="bytes"/> over TCP, and both ends close. No faults.
    /// </summary>
    private static Simulation CleanRun(long seed, int bytes, Action<Simulation> capture)
    {
        var sim = new Simulation(seed);
        Segment lan0 = sim.AddSegment("lan0"), lan1 = sim.AddSegment("lan1");
        lan0.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(1 + (long)((ulong)seed % 5)) };
        lan1.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(2 + (long)((ulong)seed % 7)) };
        Host router = sim.AddRouter("router");
        router.AddAdapter("eth0", lan0, "10.0.0.1/24");
        router.AddAdapter("eth1", lan1, "10.0.1.1/24");
        Host ns = sim.AddHost("ns");
        ns.AddAdapter("eth0", lan0, "10.0.0.53/24");
        ns.AddDefaultRoute("10.0.0.1");
        Host app = sim.AddHost("app");
        app.AddAdapter("eth0", lan0, "10.0.0.10/24");
        app.AddDefaultRoute("10.0.0.1");
        Host web = sim.AddHost("web");
        web.AddAdapter("eth0", lan1, "10.0.1.80/24");
        web.AddDefaultRoute("10.0.1.1");
        DnsServer.Start(ns).UseForAllHosts();
        capture(sim);

        var listener = new Socket(web, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen(1);
        int received = 0;
        Task serving = sim.Spawn(web, async () =>
        {
            using Socket server = await listener.AcceptAsync();
            var sink = new byte[8192];
            int n;
            while ((n = await server.ReceiveAsync(sink, SocketFlags.None)) > 0)
            {
                received += n;
            }

            server.Shutdown(SocketShutdown.Send);
        });
        app.Run(async () =>
        {
            IPAddress address = Assert.Single(await Dns.GetHostAddressesAsync("web"));
            using var client = new Socket(app, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(new IPEndPoint(address, 80));
            await client.SendAsync(new byte[bytes], SocketFlags.None);
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await client.ReceiveAsync(new byte[16], SocketFlags.None));
        });
        sim.RunUntilIdle();
        listener.Dispose();
        Assert.True(serving.IsCompletedSuccessfully, "the server did not finish: " + serving.Status);
        Assert.Equal(bytes, received);
        return sim;
    }

    /// <summary>
    /// tshark's expert summary (<c>tshark -r file -q -z expert</c>): the count under each severity heading
    /// (Errors, Warns, Notes, Chats, Comments) and every summary line, prefixed with its heading.
    /// </summary>
    private static (Dictionary<string, int> Counts, List<string> Lines) Expert(string file, out string report)
    {
        report = Tshark.Run(new[] { "-r", file, "-n", "-q", "-z", "expert" });
        var counts = new Dictionary<string, int>();
        var lines = new List<string>();
        string heading = "";
        foreach (string line in report.Split('\n'))
        {
            Match m = Regex.Match(line, @"^(\w+) \((\d+)\)");
            if (m.Success)
            {
                heading = m.Groups[1].Value;
                counts[heading] = int.Parse(m.Groups[2].Value);
            }
            else if (Regex.IsMatch(line, @"^\s+\d+\s"))
            {
                lines.Add(heading + ": " + line.Trim());
            }
        }

        return (counts, lines);
    }

    /// <summary>What tshark says of a capture that holds a packet twice or a real loss: retransmissions, duplicate ACKs, reordering, gaps.</summary>
    private static readonly Regex Suspicious = new("retransmission|Duplicate ACK|out-of-order|previous segment|keep-alive|ACKed segment that wasn't captured", RegexOptions.IgnoreCase);

    private static string TempFile(string what) => Path.Combine(Path.GetTempPath(), $"simnet-clean-{what}-{Guid.NewGuid():N}.pcapng");

    [SimNetProperty(MaxTest = 1)] // tshark starts slowly; each seed draws its latencies and transfer size
    public Property Tshark_expert_analysis_of_a_clean_routed_tcp_and_dns_run_captured_once_per_packet_has_no_warnings_or_errors() =>
        Seeds.ForAll(seed =>
        {
            string once = TempFile("once"), every = TempFile("every");
            try
            {
                PacketCapture? onceCapture = null, everyCapture = null;
                int bytes = 20_000 + (int)((ulong)seed % 5) * 7_000;
                CleanRun(seed, bytes, s =>
                {
                    onceCapture = s.Capture(once);
                    everyCapture = s.Capture(every, CapturePoints.EveryAdapter);
                });
                onceCapture!.Dispose();
                everyCapture!.Dispose();
                Assert.Equal(CapturePoints.Senders, onceCapture.Points);

                // No errors, no warnings, and none of the notes a doubled or lossy capture gets.
                (Dictionary<string, int> clean, List<string> cleanLines) = Expert(once, out string cleanReport);
                Assert.True(clean.ContainsKey("Chats"), "tshark -z expert printed no summary:\n" + cleanReport); // the parse found the report
                Assert.True(clean.GetValueOrDefault("Errors") == 0 && clean.GetValueOrDefault("Warns") == 0, "tshark -z expert of the default capture:\n" + cleanReport);
                Assert.DoesNotContain(cleanLines, l => Suspicious.IsMatch(l));

                // The same run seen at every adapter: each segment two or three times (router hop), which tshark reports as
                // DNS and TCP retransmissions and out-of-order segments. This is what the default avoids.
                (Dictionary<string, int> doubled, List<string> doubledLines) = Expert(every, out string doubledReport);
                Assert.True(doubled.GetValueOrDefault("Warns") > 0, "tshark -z expert of the every-adapter capture:\n" + doubledReport);
                Assert.Contains(doubledLines, l => l.Contains("DNS query retransmission", StringComparison.Ordinal));
                Assert.Contains(doubledLines, l => l.Contains("retransmission", StringComparison.Ordinal) && l.Contains("TCP", StringComparison.Ordinal));

                // What tshark read is the whole conversation: DNS query and answer, handshake, every byte, a FIN each way.
                List<string[]> rows = Tshark.Fields(once, "dns.flags.response", "tcp.flags", "tcp.len", "frame.interface_name", "dns.qry.name");
                int queries = rows.Count(r => r[0] is "0" or "False"), answers = rows.Count(r => r[0] is "1" or "True");
                Assert.True(queries > 0 && queries == answers, $"{queries} DNS queries, {answers} answers");
                Assert.All(rows.Where(r => r[0].Length > 0), r => Assert.Equal("web.sim", r[4]));
                Assert.Equal(bytes, rows.Sum(r => r[2].Length > 0 ? int.Parse(r[2]) : 0));
                Assert.Equal(onceCapture.PacketCount, rows.Count);
                Assert.Equal(2, rows.Count(r => r[1].Length > 0 && (Convert.ToInt32(r[1], 16) & 0x01) != 0));
                Assert.All(rows, r => Assert.DoesNotContain("router", r[3], StringComparison.Ordinal)); // the router sends nothing of its own
            }
            finally
            {
                if (Environment.GetEnvironmentVariable("SIMNET_KEEP_CAPTURE") is null)
                {
                    File.Delete(once);
                    File.Delete(every);
                }
            }
        });

    [SimNetProperty(MaxTest = 10)]
    public Property A_default_capture_holds_every_packet_that_left_its_sender_exactly_once_and_nothing_else() =>
        Seeds.ForAll(seed =>
        {
            using var file = new MemoryStream();
            PacketCapture capture = null!;
            Simulation sim = Properties.Capture.CaptureProperties.Scenario(seed, file, CaptureFormat.PcapNg, out capture);
            Assert.Equal(CapturePoints.Senders, capture.Points);
            List<long> ids = PacketIds(file.ToArray());
            Assert.Equal(capture.PacketCount, ids.Count);
            Assert.Equal(ids.Count, ids.Distinct().Count()); // once each

            var sent = new HashSet<long>();
            var parent = new Dictionary<long, long>();
            foreach (TraceEvent e in sim.Trace.Events)
            {
                if (e.Kind == TraceKind.Send)
                {
                    sent.Add(e.PacketId);
                }
                else if (e.Kind == TraceKind.Copy)
                {
                    parent[e.PacketId] = e.ParentId;
                }
            }

            Assert.All(ids, id => Assert.Contains(id, sent)); // only what a host sent: no router hop, no copy, no arrival

            // Everything that reached a socket went out from its sender, so its first transmission is in the capture.
            foreach (TraceEvent e in sim.Trace.Events.Where(e => e.Kind == TraceKind.Deliver))
            {
                long root = e.PacketId;
                while (parent.TryGetValue(root, out long p))
                {
                    root = p;
                }

                Assert.Contains(root, ids);
            }
        });

    /// <summary>The SimNet packet id in each enhanced packet block's comment, read straight from the pcapng bytes.</summary>
    private static List<long> PacketIds(byte[] pcapng)
    {
        var ids = new List<long>();
        string text = System.Text.Encoding.ASCII.GetString(pcapng);
        foreach (Match m in Regex.Matches(text, @"SimNet #(\d+)"))
        {
            ids.Add(long.Parse(m.Groups[1].Value));
        }

        return ids;
    }
}
