using System.Runtime.CompilerServices;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Faults;

namespace SimNet.Properties.Faults;

/// <summary>
/// Runs a scenario over seeds FsCheck draws; each seed builds its whole world (topology, timing, faults),
/// so a failure names one seed and the line that replays it. With SIMNET_SEED set, runs that seed only.
/// </summary>
internal static class SeedProperty
{
    public static void ForAll(int runs, Action<long> scenario, [CallerMemberName] string name = "")
    {
        if (SeedReplay.FixedSeed is { } fixedSeed)
        {
            SeedReplay.Run(fixedSeed, scenario, name);
            return;
        }

        // Seeds spread over 62 bits (FsCheck's own longs stay small and repeat); no shrinking, a seed is atomic.
        Gen<long> seeds =
            from hi in Gen.Choose(0, int.MaxValue)
            from lo in Gen.Choose(0, int.MaxValue)
            select ((long)hi << 31) | (long)lo;
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(runs).WithQuietOnSuccess(true),
            Prop.ForAll(Arb.From(seeds), (long seed) =>
            {
                SeedReplay.Run(seed, scenario, name);
                return true;
            }));
    }
}
