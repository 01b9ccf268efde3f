using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Tracing;

namespace SimNet.Differential;

/// <summary>A topology of <see cref="Topologies"/> built in a fresh SimNet simulation.</summary>
public sealed class SimWorld : IWorld
{
    private readonly Host[] hosts;

    /// <summary>Builds topology <paramref name="topology"/> in a new simulation seeded with <paramref name="seed"/>.</summary>
    public SimWorld(string topology, long seed)
    {
        Simulation = new Simulation(seed);
        Hosts = Topologies.Hosts(topology);
        var segments = new Dictionary<string, Segment>(StringComparer.Ordinal);
        hosts = new Host[Hosts.Length];
        for (int i = 0; i < Hosts.Length; i++)
        {
            HostSpec spec = Hosts[i];
            Host host = spec.Forwards ? Simulation.AddRouter(spec.Name) : Simulation.AddHost(spec.Name);
            for (int j = 0; j < spec.Adapters.Length; j++)
            {
                AdapterSpec a = spec.Adapters[j];
                if (!segments.TryGetValue(a.Segment, out Segment? segment))
                {
                    segment = Simulation.AddSegment(a.Segment);
                    segments.Add(a.Segment, segment);
                }

                host.AddAdapter($"eth{j}", segment, a.Cidr6 is null ? [a.Cidr] : [a.Cidr, a.Cidr6]);
            }

            if (spec.Gateway is not null)
            {
                host.AddDefaultRoute(spec.Gateway);
            }

            if (spec.Gateway6 is not null)
            {
                host.AddDefaultRoute(spec.Gateway6);
            }

            hosts[i] = host;
        }
    }

    /// <summary>The simulation the topology lives in.</summary>
    public Simulation Simulation { get; }

    /// <inheritdoc />
    public HostSpec[] Hosts { get; }

    /// <inheritdoc />
    public Socket NewSocket(SocketSpec spec) => new(
        hosts[spec.Host],
        spec.V6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork,
        spec.Tcp ? SocketType.Stream : SocketType.Dgram,
        spec.Tcp ? ProtocolType.Tcp : ProtocolType.Udp);

    /// <inheritdoc />
    public void Settle() => Simulation.RunFor(TimeSpan.FromMilliseconds(20));

    /// <inheritdoc />
    /// <remarks>Up to 100 ms of virtual time, in 1 ms steps: what completes within a round trip or two.</remarks>
    public bool Wait(Task task)
    {
        for (int i = 0; i < 100 && !task.IsCompleted; i++)
        {
            Simulation.RunFor(TimeSpan.FromMilliseconds(1));
        }

        return task.IsCompleted;
    }

    /// <inheritdoc />
    public int InterfaceIndex(int host, int adapter) => hosts[host].Adapters[adapter].Index;

    /// <summary>Whether every packet the run created has ended exactly once (Send + Copy = Deliver + Drop), after running to idle.</summary>
    public bool Conserved(out string detail)
    {
        Simulation.RunUntilIdle();
        Trace t = Simulation.Trace;
        long started = t.Count(TraceKind.Send) + t.Count(TraceKind.Copy);
        long ended = t.Count(TraceKind.Deliver) + t.Count(TraceKind.Drop);
        detail = $"{started} started, {ended} ended";
        return started == ended;
    }

    /// <summary>Runs <paramref name="scenario"/> on a fresh simulated topology: its step lines, and whether the trace conserved packets.</summary>
    public static (List<string> Lines, bool Conserved, string Detail) Run(Scenario scenario, int basePort)
    {
        var world = new SimWorld(scenario.Topology, seed: 20261130);
        List<string> lines;
        try
        {
            lines = Runner.Run(world, scenario, basePort);
        }
        catch (Exception e)
        {
            return (new List<string> { $"runner ! {e}" }, false, "runner threw");
        }

        bool ok = world.Conserved(out string detail);
        return (lines, ok, detail);
    }
}
