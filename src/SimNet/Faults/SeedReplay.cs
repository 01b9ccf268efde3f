using System.Globalization;
using System.Runtime.CompilerServices;

namespace SimNet.Faults;

/// <summary>
/// Seeds you can replay: a scenario that fails reports its seed and the one command line that runs it
/// again, and the <c>SIMNET_SEED</c> environment variable pins the seed of every scenario for a run.
/// </summary>
/// <example>
/// <code>
/// SeedReplay.Run(seed, s =>
/// {
///     var sim = new Simulation(s);
///     // build the world from s, script faults, assert
/// });
/// </code>
/// On failure: <c>SimNet scenario MyTest failed with seed 1234. Replay: SIMNET_SEED=1234 dotnet test --filter "FullyQualifiedName~MyTest"</c>.
/// </example>
public static class SeedReplay
{
    /// <summary>The environment variable that fixes the seed: <c>SIMNET_SEED</c>.</summary>
    public const string SeedVariable = "SIMNET_SEED";

    /// <summary>The seed <c>SIMNET_SEED</c> fixes for this run (decimal or 0x-hex), or null when unset.</summary>
    /// <exception cref="FormatException">The variable is set but is not a number.</exception>
    public static long? FixedSeed
    {
        get
        {
            string? text = Environment.GetEnvironmentVariable(SeedVariable);
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }

            text = text.Trim();
            if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                && ulong.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong hex))
            {
                return unchecked((long)hex);
            }

            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long value))
            {
                return value;
            }

            throw new FormatException($"{SeedVariable}='{text}' is not a seed: use a decimal or 0x-hex integer.");
        }
    }

    /// <summary><paramref name="seed"/>, unless <c>SIMNET_SEED</c> fixes another.</summary>
    public static long Seed(long seed) => FixedSeed ?? seed;

    /// <summary>The command line that replays <paramref name="scenario"/> with <paramref name="seed"/>.</summary>
    public static string Line(long seed, string scenario) =>
        $"{SeedVariable}={seed.ToString(CultureInfo.InvariantCulture)} dotnet test tests/properties --filter \"FullyQualifiedName~{scenario}\"";

    /// <summary>
    /// Runs <paramref name="body"/> with <paramref name="seed"/> (or the seed <c>SIMNET_SEED</c> fixes); when it
    /// throws, throws <see cref="ScenarioFailedException"/> naming the seed and the line that replays it.
    /// </summary>
    public static void Run(long seed, Action<long> body, [CallerMemberName] string scenario = "")
    {
        ArgumentNullException.ThrowIfNull(body);
        long actual = Seed(seed);
        try
        {
            body(actual);
        }
        catch (Exception e) when (e is not ScenarioFailedException)
        {
            throw new ScenarioFailedException(scenario, actual, e);
        }
    }
}

/// <summary>A scenario failed; the message carries its seed and the command line that replays it.</summary>
public sealed class ScenarioFailedException : Exception
{
    /// <summary>Creates the exception for <paramref name="scenario"/> run with <paramref name="seed"/>.</summary>
    public ScenarioFailedException(string scenario, long seed, Exception inner)
        : base($"SimNet scenario {scenario} failed with seed {seed.ToString(CultureInfo.InvariantCulture)}. Replay: {SeedReplay.Line(seed, scenario)}{Environment.NewLine}{inner.Message}", inner)
    {
        Scenario = scenario;
        Seed = seed;
    }

    /// <summary>The scenario's name (the test method).</summary>
    public string Scenario { get; }

    /// <summary>The seed it failed with.</summary>
    public long Seed { get; }

    /// <summary>The command line that replays it.</summary>
    public string ReplayLine => SeedReplay.Line(Seed, Scenario);
}
