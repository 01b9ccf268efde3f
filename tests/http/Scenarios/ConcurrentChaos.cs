using Grpc.Core;
using Grpc.Net.Client;
using SimNet.Http.Tests.Grpc;
using SimNet.Http.Tests.Support;
using SimNet.WebService;
using SimNet.Topology;

namespace SimNet.Http.Tests.Scenarios;

/// <summary>
/// The determinism workload of issue 10: concurrent HTTP/1.1 requests, concurrent gRPC unary calls and a
/// server stream, over a lossy jittery link, through a partition and a server crash and restart. Every
/// client retries until it gets an answer, so each run ends with the same answers; the question is whether
/// it also ends with the same trace.
/// </summary>
internal static class ConcurrentChaos
{
    /// <summary>How many calls the workload makes, each retried until answered.</summary>
    public const int Answers = 8;

    public static ulong Hash(long seed, bool concurrent = true) => Run(seed, concurrent).Hash;

    public static (ulong Hash, int Answers) Run(long seed, bool concurrent) => Run(seed, concurrent, keep: null);

    /// <summary>Runs the workload; <paramref name="keep"/>, when given, receives the kept trace (for comparing two runs).</summary>
    public static (ulong Hash, int Answers) Run(long seed, bool concurrent, Action<Simulation>? keep)
    {
        int answered = 0;
        var world = new HttpWorld(seed, new LinkConditions { Latency = TimeSpan.FromMilliseconds(2), Jitter = TimeSpan.FromMilliseconds(2), LossRate = 0.02 });
        world.Sim.Trace.KeepEvents = keep is not null;
        HttpWorld.RunGreeterAsSoftware(world.Server);
        world.Sim.After(TimeSpan.FromSeconds(2), s => s.Partition(world.Client, world.Server));
        world.Sim.After(TimeSpan.FromSeconds(4), s => s.Heal());
        world.Sim.After(TimeSpan.FromSeconds(6), s => world.Server.Crash());
        world.Sim.After(TimeSpan.FromSeconds(7), s => world.Server.Restart());
        world.Sim.Run(world.Client, async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), world.Sim.Clock);
            using HttpClient http = SimNetHttp.CreateClient(world.Client, TimeSpan.FromSeconds(1.5));
            using GrpcChannel channel = GrpcTests.Channel(world);
            var grpc = new Greeter.GreeterClient(channel);
            var work = new List<Func<Task>>();
            string part = Environment.GetEnvironmentVariable("SIMNET_CHAOS_PART") ?? "all"; // for investigating: http, grpc or all
            for (int i = 0; i < (part == "grpc" ? 0 : 4); i++)
            {
                int n = i;
                work.Add(() => Retry(world, async () => await http.GetStringAsync($"http://api.sim/work/{300 * n + 100}"), () => Interlocked.Increment(ref answered)));
            }

            for (int i = 0; i < (part == "http" ? 0 : 3); i++)
            {
                int n = i;
                work.Add(() => Retry(world, async () => (await grpc.SayHelloAsync(new HelloRequest { Name = $"c{n}", WorkMs = 400 * n + 50 }, deadline: DateTime.UtcNow.AddSeconds(1.5))).Message, () => Interlocked.Increment(ref answered)));
            }

            if (part != "http")
            work.Add(() => Retry(world, async () =>
            {
                // A stream in progress has no deadline on the client (the headers came): a virtual-time token
                // ends it when the server host loses power mid-stream, which would otherwise be silence forever.
                using var streamLimit = new CancellationTokenSource(TimeSpan.FromSeconds(5), world.Sim.Clock);
                using AsyncServerStreamingCall<CountReply> call = grpc.Count(new CountRequest { To = 4, IntervalMs = 500 }, cancellationToken: streamLimit.Token);
                int last = 0;
                await foreach (CountReply r in call.ResponseStream.ReadAllAsync())
                {
                    last = r.Value;
                }

                return last == 4 ? "4" : throw new IOException($"the stream ended at {last}");
            }, () => Interlocked.Increment(ref answered)));

            if (concurrent)
            {
                var tasks = new List<Task>();
                foreach (Func<Task> w in work)
                {
                    tasks.Add(w());
                }

                await Task.WhenAll(tasks);
            }
            else
            {
                foreach (Func<Task> w in work)
                {
                    await w();
                }
            }
        });
        keep?.Invoke(world.Sim);
        return (world.Sim.Trace.Hash, answered);
    }

    private static async Task Retry(HttpWorld world, Func<Task<string>> call, Action answered)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await call();
                answered();
                return;
            }
            catch (Exception e) when (attempt < 40 && e is HttpRequestException or TaskCanceledException or RpcException or IOException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), world.Sim.Clock);
            }
        }
    }
}
