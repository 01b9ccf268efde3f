using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using SimNet;
using SimNet.Topology;
using RealSocket = System.Net.Sockets.Socket;
using SimSocket = SimNet.Sockets.Socket;

/// <summary>
/// One 64-byte datagram sent and received, through SimNet (two hosts on a zero-latency segment)
/// and through real loopback UDP sockets, with the allocation-free SocketAddress overloads on both.
/// Each benchmark invocation moves <see cref="Batch"/> datagrams, one send then one receive each.
/// </summary>
[MemoryDiagnoser]
public class UdpDatagramBenchmarks
{
    private const int Batch = 1000;

    private readonly byte[] payload = new byte[64];
    private readonly byte[] receiveBuffer = new byte[2048];

    private Simulation sim = null!;
    private SimSocket simTx = null!;
    private SimSocket simRx = null!;
    private SocketAddress simDestination = null!;
    private SocketAddress simReceived = null!;

    private RealSocket realTx = null!;
    private RealSocket realRx = null!;
    private SocketAddress realDestination = null!;
    private SocketAddress realReceived = null!;

    [GlobalSetup]
    public void Setup()
    {
        (sim, Host a, Host b) = UdpRows.World();
        simRx = new SimSocket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        simRx.Bind(new IPEndPoint(IPAddress.Any, 5000));
        simTx = new SimSocket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        simDestination = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000).Serialize();
        simReceived = new IPEndPoint(IPAddress.Any, 0).Serialize();

        realRx = new RealSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        realRx.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        realRx.ReceiveTimeout = 5000; // never hang the benchmark if a datagram went missing
        realTx = new RealSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        realDestination = realRx.LocalEndPoint!.Serialize();
        realReceived = new IPEndPoint(IPAddress.Any, 0).Serialize();

        // Warm the pools and the ephemeral binds so steady state is what gets measured.
        SimNetDatagram();
        LoopbackDatagram();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        simTx.Dispose();
        simRx.Dispose();
        realTx.Dispose();
        realRx.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch, Description = "loopback UDP 64 B")]
    public int LoopbackDatagram()
    {
        int total = 0;
        for (int i = 0; i < Batch; i++)
        {
            realTx.SendTo(payload, SocketFlags.None, realDestination);
            total += realRx.ReceiveFrom(receiveBuffer, SocketFlags.None, realReceived);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "SimNet UDP 64 B")]
    public int SimNetDatagram()
    {
        int total = 0;
        for (int i = 0; i < Batch; i++)
        {
            simTx.SendTo(payload, SocketFlags.None, simDestination);
            total += simRx.ReceiveFrom(receiveBuffer, SocketFlags.None, simReceived);
        }

        return total;
    }
}
