using System.Globalization;
using SimNet.Kernel;
using SimNet.Topology;
using SimNet.Transport;

namespace SimNet.Properties.Faults;

/// <summary>
/// One seeded fault script over a small world: drawn link conditions, a partition that heals, a hold that
/// releases, a crash and restart of a host running software, heartbeats throughout. Returns the trace hash.
/// Runs in the test process and, through <see cref="TestAssemblyEntry"/>, in a separate process.
/// </summary>
internal static class FaultScript
{
    public const string Command = "fault-script";

    public static ulong Run(long seed)
    {
        var w = FaultWorld.Draw(seed, 3, 5);
        var draw = new SimRandom(unchecked((ulong)seed) ^ 0x5C219UL);
        Simulation sim = w.Sim;
        foreach (Segment s in sim.Segments)
        {
            s.Conditions = ConservationProperties.DrawConditions(draw);
        }

        int n = w.Hosts.Count;
        sim.At(TimeSpan.FromSeconds(2), s => s.Partition(w.Hosts[0], w.Hosts[1]));
        sim.At(TimeSpan.FromSeconds(4), s => s.Heal());
        sim.At(TimeSpan.FromSeconds(3), s => s.Hold(w.Hosts[1], w.Hosts[n - 1]));
        sim.At(TimeSpan.FromSeconds(5), s => s.Release());

        Host worker = sim.AddHost("worker", async (host, stop) =>
        {
            UdpEndpoint e = FaultWorld.Open(host, 0);
            for (int i = 0; ; i++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), sim.Clock, stop);
                lock (sim.Gate)
                {
                    e.SendTo(new byte[8], FaultWorld.AddressOf(w.Hosts[i % n]), FaultWorld.Port);
                }
            }
        });
        worker.AddAdapter("eth0", sim.Segments[0], "10.0.0.200/24");
        sim.At(TimeSpan.FromSeconds(3.5), _ => worker.Crash());
        sim.At(TimeSpan.FromSeconds(6), _ => worker.Restart());

        using var capture = sim.Capture(Stream.Null);
        for (int t = 0; t < 80; t++)
        {
            for (int from = 0; from < n; from++)
            {
                w.Send(from, (from + 1 + draw.Next(n - 1)) % n, t, draw.Next(0, 300));
            }

            sim.RunFor(TimeSpan.FromMilliseconds(100));
        }

        return sim.Trace.Hash;
    }

    public static string Format(ulong hash) => hash.ToString("x16", CultureInfo.InvariantCulture);
}

/// <summary>The test assembly's entry point: empty for the test host, a fault script when run as <c>dotnet SimNet.Properties.dll fault-script SEED</c>.</summary>
internal static class TestAssemblyEntry
{
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == FaultScript.Command)
        {
            Console.WriteLine(FaultScript.Format(FaultScript.Run(long.Parse(args[1], CultureInfo.InvariantCulture))));
            return 0;
        }

        if (args.Length == 3 && args[0] == SimNet.Properties.Kernel.CompletionModelTests.IdiomCommand)
        {
            Console.Write(SimNet.Properties.Kernel.CompletionModelTests.PlayForDump(args[1], long.Parse(args[2], CultureInfo.InvariantCulture)).Trace.Dump());
            return 0;
        }

        return 0;
    }
}
