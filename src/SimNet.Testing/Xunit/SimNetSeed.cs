using System.Globalization;
using System.Security.Cryptography;
using SimNet.Faults;

namespace SimNet.Testing;

/// <summary>The seed of a <see cref="SimNetPropertyAttribute"/> run: where it comes from and how it is printed.</summary>
public static class SimNetSeed
{
    /// <summary>FsCheck's split-mix gamma that SimNet pairs with every seed (odd, as FsCheck requires).</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private static readonly AsyncLocal<long?> current = new();

    /// <summary>The seed of the property running on this asynchronous flow, or null outside one.</summary>
    public static long? Current => current.Value;

    /// <summary>
    /// The seed a new property run uses: <c>SIMNET_SEED</c> when set, otherwise a fresh one from the operating
    /// system's random source (a test runner's choice, never the simulation's: the simulation only ever sees the seed).
    /// </summary>
    public static long Choose() => SeedReplay.FixedSeed ?? (System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(RandomNumberGenerator.GetBytes(8)) & long.MaxValue);

    /// <summary>The FsCheck <c>Replay</c> text for <paramref name="seed"/>: <c>(seed,gamma)</c>.</summary>
    public static string ToFsCheckReplay(long seed) =>
        string.Create(CultureInfo.InvariantCulture, $"({unchecked((ulong)seed)},{Gamma})");

    /// <summary>The line a test prints: the seed and the command that replays <paramref name="testName"/> with it.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="testName">The test's fully qualified name (namespace.class.method).</param>
    public static string ReplayLine(long seed, string testName) =>
        string.Create(CultureInfo.InvariantCulture, $"SimNet seed {seed}. Replay: {SeedReplay.SeedVariable}={seed} dotnet test --filter \"FullyQualifiedName~{testName}\"");

    /// <summary>Runs <paramref name="body"/> with <paramref name="seed"/> as <see cref="Current"/> on this flow.</summary>
    internal static T With<T>(long seed, Func<T> body)
    {
        long? before = current.Value;
        current.Value = seed;
        try
        {
            return body();
        }
        finally
        {
            current.Value = before;
        }
    }
}
