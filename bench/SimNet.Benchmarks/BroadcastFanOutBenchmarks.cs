using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using SimNet;
using SimNet.Topology;
using SimSocket = SimNet.Sockets.Socket;

/// <summary>
/// One 64-byte subnet broadcast from one host to <see cref="Receivers"/> other hosts on the same
/// segment, each with a socket bound to Any:9000; an operation is the send, the delivery to every
/// adapter, and every receiver taking its copy.
/// </summary>
[MemoryDiagnoser]
public class BroadcastFanOutBenchmarks
{
    private readonly byte[] payload = new byte[64];
    private readonly byte[] receiveBuffer = new byte[2048];

    private Simulation sim = null!;
    private SimSocket sender = null!;
    private SimSocket[] receivers = null!;
    private SocketAddress broadcast = null!;
    private SocketAddress received = null!;

    /// <summary>How many adapters hear each broadcast.</summary>
    [Params(1000)]
    public int Receivers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        sim = new Simulation(seed: 2);
        sim.Trace.KeepEvents = false;
        Segment lan = sim.AddSegment("lan");
        Host origin = sim.AddHost("origin");
        origin.AddAdapter("eth0", lan, "10.1.0.1/16");
        receivers = new SimSocket[Receivers];
        for (int i = 0; i < Receivers; i++)
        {
            Host h = sim.AddHost($"h{i}");
            h.AddAdapter("eth0", lan, $"10.1.{(i + 2) / 256}.{(i + 2) % 256}/16");
            receivers[i] = new SimSocket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            receivers[i].Bind(new IPEndPoint(IPAddress.Any, 9000));
        }

        sender = new SimSocket(origin, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
        broadcast = new IPEndPoint(IPAddress.Parse("10.1.255.255"), 9000).Serialize();
        received = new IPEndPoint(IPAddress.Any, 0).Serialize();
        BroadcastToAll();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        sender.Dispose();
        foreach (SimSocket r in receivers)
        {
            r.Dispose();
        }
    }

    [Benchmark(Description = "SimNet broadcast 64 B to N adapters")]
    public int BroadcastToAll()
    {
        sender.SendTo(payload, SocketFlags.None, broadcast);
        sim.RunUntilIdle();
        int total = 0;
        foreach (SimSocket r in receivers)
        {
            total += r.ReceiveFrom(receiveBuffer, SocketFlags.None, received);
        }

        return total;
    }
}
