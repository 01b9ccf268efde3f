using System.Net;
using SimNet;
using SimNet.Transport;

/// <summary>
/// One workload run once, for a cache simulator (<c>bench/cache-misses.sh</c> runs it under valgrind's cachegrind):
/// <c>cache-run heartbeat HOSTS SECONDS</c> (<see cref="HeartbeatBenchmark"/>: every host heartbeats once a
/// simulated second), <c>cache-run unicast HOSTS DATAGRAMS</c> (random pairs on one segment, as the scaling
/// harness's unicast rows), <c>cache-run routed HOSTS DATAGRAMS</c> (random pairs over 100 segments joined by
/// one router, as its routed rows) or <c>cache-run async 2 ROUNDS</c> (the async ping-pong of its UDP rows). Prints how many datagrams it carried, so the script can divide.
/// </summary>
/// <remarks>
/// Wall time on this shared virtual machine moves by up to 3× between runs minutes apart, while a simulated
/// cache counts the same misses every time: the script runs each workload at two lengths and reports the
/// difference per datagram, which leaves out start-up, building the world and the JIT.
/// </remarks>
internal static class CacheRun
{
    public static void Run(string[] args)
    {
        string what = args[0];
        int hosts = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
        int amount = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
        long carried;
        if (what == "heartbeat")
        {
            carried = HeartbeatBenchmark.Run(TimeSpan.FromSeconds(amount), hosts: hosts);
        }
        else if (what == "async")
        {
            new UdpRows.AsyncPair().Sim(amount); // the async ping-pong row's SimNet side; HOSTS is ignored (two)
            carried = amount;
        }
        else
        {
            (Simulation sim, UdpEndpoint[] endpoints, IPAddress[] addresses) = what == "routed" ? ScalingHarness.BuildRouted(hosts) : ScalingHarness.BuildFlat(hosts);
            var random = new Random(42);
            var pairs = new (int From, int To)[amount];
            for (int i = 0; i < amount; i++)
            {
                int a = random.Next(hosts);
                int b = random.Next(hosts - 1);
                pairs[i] = (a, b >= a ? b + 1 : b);
            }

            ScalingHarness.Pass(sim, endpoints, addresses, pairs, new byte[64], new byte[128]);
            carried = amount;
        }

        Console.WriteLine($"carried {carried}");
    }
}
