using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using SimNet;
using SimNet.Topology;
using SimNet.Transport;

/// <summary>
/// 100 hosts on one LAN, each sending a heartbeat to the next host (a ring) once a second and reading
/// what it got, for one simulated hour over a link that loses 1 %: 360,000 datagrams.
/// Virtual time must run far ahead of wall time; docs/faults.md reports the speed-up.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class HeartbeatBenchmark
{
    public const int Hosts = 100;

    /// <summary>1: the scenario as specified, one LAN. 10: the same hosts on ten LANs of ten, heartbeats staying on each LAN (isolates the per-segment cost).</summary>
    [Params(1, 10)]
    public int Lans { get; set; }

    [Benchmark]
    public long OneHourOfHeartbeats() => Run(TimeSpan.FromHours(1), Lans);

    /// <summary>Runs the scenario for <paramref name="duration"/> of virtual time with <paramref name="hosts"/> hosts; returns the datagrams delivered.</summary>
    public static long Run(TimeSpan duration, int lanCount = 1, int hosts = Hosts)
    {
        var sim = new Simulation(seed: 2026);
        sim.Trace.KeepEvents = false;
        var lans = new Segment[lanCount];
        for (int l = 0; l < lanCount; l++)
        {
            lans[l] = sim.AddSegment($"lan{l}");
            lans[l].Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(1), LossRate = 0.01 };
        }

        int perLan = hosts / lanCount;
        var endpoints = new UdpEndpoint[hosts];
        var addresses = new IPAddress[hosts];
        for (int i = 0; i < hosts; i++)
        {
            Host h = sim.AddHost($"node{i}");
            addresses[i] = IPAddress.Parse($"10.0.{i / 250}.{(i % 250) + 1}");
            h.AddAdapter("eth0", lans[i / perLan], $"{addresses[i]}/16");
            endpoints[i] = new UdpEndpoint(h, AddressFamily.InterNetwork);
            endpoints[i].Bind(IPAddress.Any, 7946);
        }

        long received = 0;
        byte[] heartbeat = new byte[32];
        byte[] buffer = new byte[64];
        var timers = new List<ITimer>();
        for (int i = 0; i < hosts; i++)
        {
            int me = i;
            UdpEndpoint e = endpoints[me];
            int lanStart = me / perLan * perLan;
            IPAddress next = addresses[lanStart + ((me - lanStart + 1) % perLan)];
            TimeSpan phase = TimeSpan.FromMilliseconds(sim.Random.Next(1000));
            timers.Add(sim.Clock.CreateTimer(
                _ =>
                {
                    while (e.TryReceive(buffer, false, out ReceivedDatagram _) == SocketError.Success)
                    {
                        received++;
                    }

                    e.SendTo(heartbeat, next, 7946);
                },
                null,
                phase,
                TimeSpan.FromSeconds(1)));
        }

        sim.RunFor(duration);
        foreach (ITimer t in timers)
        {
            t.Dispose();
        }

        return received;
    }
}
