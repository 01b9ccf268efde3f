using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SimNet.Properties.Kernel;

/// <summary>
/// Real .NET async code stays inside the simulation: each idiom (ConfigureAwait(false), BCL stream
/// helpers, pipelines, channels, semaphores, Task.Run, Polly) completes without a false deadlock,
/// replays its trace exactly, and sees the same virtual times as the same traffic written with plain awaits.
/// </summary>
public class AsyncIdiomProperties(ITestOutputHelper output)
{
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (Idiom i in IdiomRun.All)
        {
            data.Add(i.Name);
        }

        return data;
    }

    internal static Gen<IdiomCase> Cases =>
        from seed in Gen.Choose(1, int.MaxValue)
        from rounds in Gen.Choose(1, 6)
        from latency in Gen.Choose(0, 20)
        from jitter in Gen.Choose(0, 5)
        from loss in Gen.Elements(0.0, 0.02, 0.1)
        select new IdiomCase(seed, rounds, latency, jitter, loss);

    internal static (ulong Hash, long[] Marks, long Departures) Play(string name, IdiomCase c)
    {
        Idiom idiom = IdiomRun.Named(name);
        return new IdiomRun(c, lossy: idiom.Tcp).Play(idiom);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_idiom_replays_its_trace_and_sees_the_virtual_times_of_its_plain_await_twin(string name)
    {
        Idiom idiom = IdiomRun.Named(name);
        SimNetCheck.Run(Prop.ForAll(Arb.From(Cases), c =>
        {
            var first = Play(name, c);
            var second = Play(name, c);
            Assert.Equal(c.Rounds, first.Marks.Length + (idiom.Name.StartsWith("copy-to", StringComparison.Ordinal) || idiom.Name.StartsWith("whenall", StringComparison.Ordinal) ? c.Rounds - 1 : 0));
            if (idiom.Guarantee == Guarantee.Deterministic)
            {
                var twin = Play(idiom.Twin, c);
                Assert.Equal(twin.Marks, first.Marks);
                Assert.Equal(first.Hash, second.Hash);
                Assert.Equal(first.Marks, second.Marks);
            }
        }), maxTest: idiom.Name.StartsWith("whenall", StringComparison.Ordinal) ? 3 : 8);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_deterministic_idiom_gives_the_same_trace_hash_in_20_runs(string name)
    {
        var c = new IdiomCase(Seed: 20261130, Rounds: 4, LatencyMs: 3, JitterMs: 2, LossRate: 0.05);
        Idiom idiom = IdiomRun.Named(name);
        var hashes = new HashSet<ulong>();
        long departures = 0;
        for (int run = 0; run < 20; run++)
        {
            var r = Play(name, c);
            hashes.Add(r.Hash);
            departures += r.Departures;
        }

        output.WriteLine($"{name}: {hashes.Count} distinct hash(es) in 20 runs; {departures} departures from the driving thread");
        if (idiom.Guarantee == Guarantee.Deterministic)
        {
            Assert.Single(hashes);
        }
    }
}
