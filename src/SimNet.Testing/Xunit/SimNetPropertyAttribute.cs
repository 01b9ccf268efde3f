using FsCheck.Xunit;
using Xunit.Sdk;

namespace SimNet.Testing;

/// <summary>
/// SimNet's convention for an FsCheck.Xunit property: like <see cref="PropertyAttribute"/>, but every run starts
/// from one 64-bit seed that the test prints beside the command line that replays it, and the
/// <c>SIMNET_SEED</c> environment variable fixes that seed. The seed is FsCheck's own replay seed, so the same
/// seed regenerates every case of the run in order (and so the same failure and the same shrinking).
/// </summary>
/// <example>
/// <code>
/// [SimNetProperty(MaxTest = 50)]
/// public Property Every_datagram_arrives_once(TopologySpec spec) => ...;
/// </code>
/// A failure (and, in the test output, a pass) carries:
/// <c>SimNet seed 1234. Replay: SIMNET_SEED=1234 dotnet test --filter "FullyQualifiedName~MyTests.Every_datagram_arrives_once"</c>.
/// </example>
/// <remarks>
/// Without <c>SIMNET_SEED</c> each run draws a fresh seed (as FsCheck does), so CI keeps exploring new cases and
/// every failure is reproducible from the printed line. Set <see cref="PropertyAttribute.Replay"/> only to paste an
/// FsCheck <c>(seed,gamma)</c> pair; it then wins over the SimNet seed.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
[XunitTestCaseDiscoverer("SimNet.Testing.SimNetPropertyDiscoverer", "SimNet.Testing")]
public sealed class SimNetPropertyAttribute : PropertyAttribute
{
    /// <summary>Creates the attribute; the seed of the running test (see <see cref="SimNetSeed"/>) becomes FsCheck's replay seed.</summary>
    public SimNetPropertyAttribute()
    {
        if (SimNetSeed.Current is { } seed)
        {
            Replay = SimNetSeed.ToFsCheckReplay(seed);
        }
    }
}
