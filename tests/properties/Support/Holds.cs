using FsCheck;
using FsCheck.Fluent;

namespace SimNet.Properties.Support;

/// <summary>Runs FsCheck properties inside xunit facts (FsCheck.Xunit cannot be restored here).</summary>
internal static class Holds
{
    /// <summary>Checks <paramref name="rule"/> for <paramref name="maxTest"/> generated cases; a failure throws with FsCheck's replay seed and the shrunk case.</summary>
    public static void For<T>(Gen<T> generator, Action<T> rule, int maxTest = 100)
    {
        var config = Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true);
        FsCheck.Check.One(config, Prop.ForAll(Arb.From(generator), (T value) =>
        {
            rule(value);
            return true;
        }));
    }
}
