using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using SimNet.Kernel;
using SimNet.Topology;
using SimNet.Transport;

namespace SimNet.Properties.Faults;

/// <summary>
/// A small world for fault properties, built entirely from one seed: hosts on one LAN, or split over two
/// LANs joined by a router, each with a UDP endpoint on <see cref="Port"/>. Datagrams carry (sender, sequence).
/// </summary>
internal sealed class FaultWorld
{
    public const int Port = 7000;

    public FaultWorld(long seed, int hostCount, bool routed)
    {
        Sim = new Simulation(seed);
        Segment lan0 = Sim.AddSegment("lan0");
        Segment? lan1 = routed ? Sim.AddSegment("lan1") : null;
        if (lan1 is not null)
        {
            Router = Sim.AddRouter("router");
            Router.AddAdapter("eth0", lan0, "10.0.0.1/24");
            Router.AddAdapter("eth1", lan1, "10.0.1.1/24");
        }

        for (int i = 0; i < hostCount; i++)
        {
            Host h = Sim.AddHost($"h{i}");
            bool second = lan1 is not null && i % 2 == 1;
            string net = second ? "10.0.1" : "10.0.0";
            h.AddAdapter("eth0", second ? lan1! : lan0, $"{net}.{10 + i}/24");
            if (lan1 is not null)
            {
                h.AddDefaultRoute($"{net}.1");
            }

            Hosts.Add(h);
            Endpoints.Add(Open(h, Port));
        }
    }

    /// <summary>A world whose shape (host count, routed or not) is drawn from <paramref name="seed"/>.</summary>
    public static FaultWorld Draw(long seed, int minHosts, int maxHosts)
    {
        var shape = new SimRandom(unchecked((ulong)seed) ^ 0x5EEDF00DUL);
        return new FaultWorld(seed, shape.Next(minHosts, maxHosts + 1), shape.Chance(0.5));
    }

    public Simulation Sim { get; }

    public Host? Router { get; }

    public List<Host> Hosts { get; } = new();

    public List<UdpEndpoint> Endpoints { get; } = new();

    public static UdpEndpoint Open(Host host, int port)
    {
        var e = new UdpEndpoint(host, AddressFamily.InterNetwork) { ReceiveBufferSize = 1 << 30 };
        SocketError bound = e.Bind(IPAddress.Any, port);
        if (bound != SocketError.Success)
        {
            throw new InvalidOperationException($"bind {host}:{port}: {bound}");
        }

        return e;
    }

    public static IPAddress AddressOf(Host h) => h.Adapters[0].Addresses[0].Address;

    /// <summary>Sends (sender index, sequence) from host <paramref name="from"/> to host <paramref name="to"/>'s endpoint.</summary>
    public SocketError Send(int from, int to, int seq, int extraBytes = 0)
    {
        byte[] payload = new byte[8 + extraBytes];
        BinaryPrimitives.WriteInt32BigEndian(payload, from);
        BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(4), seq);
        return Endpoints[from].SendTo(payload, AddressOf(Hosts[to]), Port);
    }

    /// <summary>Everything host <paramref name="at"/> received, in arrival order, as (sender, sequence, intact payload).</summary>
    public List<(int From, int Seq, bool Intact)> Drain(int at) => Drain(Endpoints[at]);

    public static List<(int From, int Seq, bool Intact)> Drain(UdpEndpoint e)
    {
        var got = new List<(int, int, bool)>();
        byte[] buffer = new byte[70000];
        while (e.TryReceive(buffer, false, out ReceivedDatagram d) == SocketError.Success)
        {
            bool intact = d.Length >= 8 && buffer.AsSpan(8, d.Length - 8).IndexOfAnyExcept((byte)0) < 0;
            got.Add((BinaryPrimitives.ReadInt32BigEndian(buffer), BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(4)), intact));
        }

        return got;
    }
}
