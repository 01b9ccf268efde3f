using System.Diagnostics;
using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace SimNet.Properties.Hardening;

/// <summary>
/// Runs <see cref="ApiFuzz"/> campaigns. CI runs 20,000 operations (400 sequences of 50) from a fixed
/// campaign seed; <c>SIMNET_FUZZ_OPS</c> and <c>SIMNET_FUZZ_SEED</c> run longer or other campaigns, and
/// <c>SIMNET_FUZZ_REPLAY=seed:i,j,k</c> replays one (shrunk) sequence, as the failure message prints.
/// </summary>
public class ApiFuzzTests(ITestOutputHelper output)
{
    private const int SequenceLength = 50;
    private static readonly TimeSpan WallClockLimit = TimeSpan.FromSeconds(20);

    [Fact]
    public void Random_API_sequences_raise_only_documented_exceptions_never_hang_and_conserve_every_packet()
    {
        if (Environment.GetEnvironmentVariable("SIMNET_FUZZ_REPLAY") is { Length: > 0 } replay)
        {
            string[] parts = replay.Split(':');
            long replaySeed = long.Parse(parts[0], CultureInfo.InvariantCulture);
            int[] indices = parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            ApiFuzz.Outcome outcome = ApiFuzz.Run(replaySeed, indices, WallClockLimit);
            Assert.True(outcome.Failures.Count == 0, string.Join("\n", outcome.Failures));
            return;
        }

        int operations = int.TryParse(Environment.GetEnvironmentVariable("SIMNET_FUZZ_OPS"), out int n) ? n : 20_000;
        long campaign = long.TryParse(Environment.GetEnvironmentVariable("SIMNET_FUZZ_SEED"), out long s) ? s : 20261130;
        int sequences = (operations + SequenceLength - 1) / SequenceLength;
        var clock = Stopwatch.StartNew();
        int ran = 0;
        for (int q = 0; q < sequences; q++)
        {
            long seed = campaign * 1_000_003 + q;
            int[] indices = Enumerable.Range(0, SequenceLength).ToArray();
            ApiFuzz.Outcome outcome = ApiFuzz.Run(seed, indices, WallClockLimit);
            ran += outcome.Operations;
            if (outcome.Failures.Count > 0)
            {
                (int[] shrunk, IReadOnlyList<string> failures) = Shrink(seed, indices, outcome.Failures);
                Assert.Fail(
                    $"Sequence {q} of campaign {campaign} failed after {ran} operations; shrunk from {indices.Length} to {shrunk.Length} operations.\n"
                    + string.Join("\n", failures.Take(3))
                    + $"\nReplay: SIMNET_FUZZ_REPLAY={seed}:{string.Join(',', shrunk)} dotnet test tests/properties -c Release --filter FullyQualifiedName~ApiFuzzTests");
            }
        }

        output.WriteLine($"{ran} operations in {sequences} sequences (campaign seed {campaign}): 0 unexpected exceptions, 0 hangs, every packet conserved; {clock.Elapsed.TotalSeconds:F1} s wall.");
        Assert.True(ran >= Math.Min(operations, 20_000));
    }

    /// <summary>Delta debugging: drops ever smaller chunks of the sequence while it still fails the same way.</summary>
    private static (int[] Indices, IReadOnlyList<string> Failures) Shrink(long seed, int[] indices, IReadOnlyList<string> failures)
    {
        string Signature(IReadOnlyList<string> f) => f[0].Split(':')[0].Split('(')[^1];
        string wanted = Signature(failures);
        int[] current = indices;
        IReadOnlyList<string> last = failures;
        for (int chunk = current.Length / 2; chunk >= 1; chunk /= 2)
        {
            bool removed = true;
            while (removed)
            {
                removed = false;
                for (int start = 0; start + chunk <= current.Length; start += chunk)
                {
                    int[] candidate = current.Take(start).Concat(current.Skip(start + chunk)).ToArray();
                    ApiFuzz.Outcome o = ApiFuzz.Run(seed, candidate, WallClockLimit);
                    if (o.Failures.Count > 0 && Signature(o.Failures) == wanted)
                    {
                        current = candidate;
                        last = o.Failures;
                        removed = true;
                        break;
                    }
                }
            }
        }

        return (current, last);
    }
}
