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

        Gen<long> seeds = ArbMap.Default.GeneratorFor<long>();
        Check.One(
            Config.QuickThrowOnFailure.WithMaxTest(runs).WithQuietOnSuccess(true),
            Prop.ForAll(Arb.From(seeds).Filter(_ => true), (long seed) =>
            {
                SeedReplay.Run(seed, scenario, name);
                return true;
            }));
    }
}
