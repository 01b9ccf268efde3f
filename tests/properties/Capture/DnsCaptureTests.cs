using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Properties.Faults;
using SimNet.Testing;
using Xunit;
using Dns = SimNet.Sockets.Dns;

namespace SimNet.Properties.Capture;

public class DnsCaptureTests
{
    [SimNetProperty(MaxTest = 1)]
    public Property Tshark_decodes_the_simulated_dns_servers_queries_and_answers_as_the_trace_has_them() =>
        Seeds.ForAll(seed =>
        {
            var (sim, _, app) = NameResolutionFaultTests.NamedWorld(seed);
            string path = Path.Combine(Path.GetTempPath(), $"simnet-{Guid.NewGuid():N}.pcapng");
            try
            {
                using (sim.Capture(path))
                {
                    app.Run(async () =>
                    {
                        IPAddress[] found = await Dns.GetHostAddressesAsync("web");
                        Assert.Equal(IPAddress.Parse("10.0.0.80"), Assert.Single(found));
                    });
                }

                var rows = Tshark.Fields(path, "frame.interface_name", "ip.src", "ip.dst", "udp.srcport", "udp.dstport", "dns.flags.response", "dns.qry.name", "dns.a", "udp.checksum.status");
                var queries = rows.Where(r => r[5] is "0" or "False").ToList();
                var answers = rows.Where(r => r[5] is "1" or "True").ToList();
                Assert.NotEmpty(queries);
                Assert.All(queries, r => Assert.Equal(("10.0.0.10", "10.0.0.53", "53"), (r[1], r[2], r[4])));
                Assert.Contains(queries, r => r[6] == "web.sim");
                Assert.Contains(answers, r => r[6] == "web.sim" && r[7] == "10.0.0.80" && r[1] == "10.0.0.53" && r[3] == "53");
                Assert.All(rows, r => Assert.Equal("1", r[8]));

                // Each DNS datagram in the trace appears once, leaving app or ns.
                var dnsPackets = sim.Trace.Events.Where(e => e.Kind == Tracing.TraceKind.Send && (e.DestinationPort == 53 || e.SourcePort == 53)).ToList();
                var dnsRows = rows.Where(r => r[3] == "53" || r[4] == "53").ToList();
                Assert.Equal(dnsPackets.Count, dnsRows.Count);
                Assert.All(dnsRows, r => Assert.Equal(r[1] == "10.0.0.10" ? "app/eth0" : "ns/eth0", r[0]));
            }
            finally
            {
                File.Delete(path);
            }
        });
}
