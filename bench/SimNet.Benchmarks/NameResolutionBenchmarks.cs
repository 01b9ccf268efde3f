using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using SimNet;
using SimNet.Names;
using SimNet.Topology;

/// <summary>What a name lookup costs: the wire codec alone, and a whole query through the simulated server.</summary>
[MemoryDiagnoser]
public class NameResolutionBenchmarks
{
    private byte[] response = Array.Empty<byte>();
    private DnsMessage message = null!;
    private Simulation sim = null!;
    private Host client = null!;

    [GlobalSetup]
    public void Setup()
    {
        message = DnsMessage.ResponseTo(DnsMessage.Query(1, "www.example.sim.", DnsRecordType.A), DnsRcode.NoError);
        message.Answers.Add(DnsRecord.Cname("www.example.sim.", "web.example.sim.", TimeSpan.FromMinutes(5)));
        for (int i = 1; i <= 4; i++)
        {
            message.Answers.Add(DnsRecord.A("web.example.sim.", IPAddress.Parse($"10.0.0.{i}"), TimeSpan.FromMinutes(5)));
        }

        response = DnsWire.Encode(message, DnsMessage.MaxUdpSize);

        sim = new Simulation(1);
        Segment lan = sim.AddSegment("lan");
        Host ns = sim.AddHost("ns");
        ns.AddAdapter("eth0", lan, "10.0.0.53/24");
        client = sim.AddHost("client");
        client.AddAdapter("eth0", lan, "10.0.0.2/24");
        DnsServer.Start(ns).UseForAllHosts();
        client.Resolver.Settings.CacheEnabled = false;
        sim.Trace.KeepEvents = false;
    }

    [Benchmark]
    public byte[] EncodeResponse() => DnsWire.Encode(message, DnsMessage.MaxUdpSize);

    [Benchmark]
    public bool DecodeResponse() => DnsWire.TryDecode(response, out _, out _);

    [Benchmark]
    public IPAddress[] ResolveThroughSimulatedServer()
    {
        IPAddress[] result = Array.Empty<IPAddress>();
        client.Run(async () => result = await client.Resolver.GetHostAddressesAsync("ns", AddressFamily.InterNetwork));
        return result;
    }
}
