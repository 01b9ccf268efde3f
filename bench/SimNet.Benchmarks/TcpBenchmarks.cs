using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using SimNet;
using SimNet.Topology;
using SimSocket = SimNet.Sockets.Socket;

/// <summary>
/// TCP through SimNet against the real loopback stack in the same run: a bulk transfer (reported as
/// time per transfer; divide the size by it for MB/s) and a batch of connects (connect, accept, close).
/// Run: <c>dotnet run -c Release --project bench/SimNet.Benchmarks -- --filter *TcpBenchmarks* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class TcpBenchmarks
{
    /// <summary>Bytes per bulk transfer: the 1 GiB, and 64 MiB for a quick run (MB/s is what compares).</summary>
    [Params(64 << 20, 1 << 30)]
    public int TransferBytes { get; set; } = 64 << 20;

    /// <summary>Connections per connect benchmark invocation.</summary>
    public const int Connections = 200;

    [Benchmark(Description = "SimNet loopback transfer")]
    public long SimNetLoopbackTransfer() => TcpTransfer.Sim(TransferBytes, sameHost: true, stream: false);

    [Benchmark(Description = "SimNet two hosts, MTU 1500, transfer")]
    public long SimNetLanTransfer() => TcpTransfer.Sim(TransferBytes, sameHost: false, stream: false);

    [Benchmark(Baseline = true, Description = "Real loopback TCP transfer")]
    public long RealLoopbackTransfer()
    {
        TcpTransfer.Real(TransferBytes);
        return TransferBytes;
    }

    [Benchmark(Description = "SimNet: 200 connects")]
    public int SimNetConnects()
    {
        (Simulation sim, Host server, Host client, IPAddress address) = World(sameHost: false);
        int done = 0;
        sim.Spawn(server, async () =>
        {
            using var listener = new SimSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Any, 80));
            listener.Listen(Connections);
            for (int i = 0; i < Connections; i++)
            {
                using SimSocket accepted = await listener.AcceptAsync();
            }
        });
        sim.Run(client, async () =>
        {
            for (int i = 0; i < Connections; i++)
            {
                using var s = new SimSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(new IPEndPoint(address, 80));
                done++;
            }
        });
        return done;
    }

    [Benchmark(Description = "Real loopback: 200 connects")]
    public int RealConnects()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(Connections);
        EndPoint target = listener.LocalEndPoint!;
        int done = 0;
        for (int i = 0; i < Connections; i++)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(target);
            using Socket accepted = listener.Accept();
            accepted.Close(); // the server closes first, so TIME_WAIT does not eat the client's ephemeral ports
            done++;
        }

        return done;
    }

    private static (Simulation Sim, Host Server, Host Client, IPAddress Address) World(bool sameHost)
    {
        var sim = new Simulation(seed: 1);
        sim.Trace.KeepEvents = false;
        Segment lan = sim.AddSegment("lan");
        Host server = sim.AddHost("server");
        server.AddAdapter("eth0", lan, "10.0.0.1/24");
        if (sameHost)
        {
            return (sim, server, server, IPAddress.Loopback);
        }

        Host client = sim.AddHost("client");
        client.AddAdapter("eth0", lan, "10.0.0.2/24");
        return (sim, server, client, IPAddress.Parse("10.0.0.1"));
    }
}
