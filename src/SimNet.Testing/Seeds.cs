using FsCheck;
using FsCheck.Fluent;

namespace SimNet.Testing;

/// <summary>
/// Scenarios driven by one seed each: the seed builds the whole world (topology, timing, faults), so a failing case
/// is one number. Use inside a <see cref="SimNetPropertyAttribute"/> method.
/// </summary>
public static class Seeds
{
    /// <summary>Seeds spread over 62 bits (FsCheck's own longs stay small and repeat); a seed is atomic, so it never shrinks.</summary>
    public static Gen<long> Any { get; } =
        from hi in Gen.Choose(0, int.MaxValue)
        from lo in Gen.Choose(0, int.MaxValue)
        select ((long)hi << 31) | (long)lo;

    /// <summary>The property that <paramref name="scenario"/> passes for every seed FsCheck draws.</summary>
    /// <example><code>
    /// [SimNetProperty(MaxTest = 40)]
    /// public Property Crash_ends_every_wait() => Seeds.ForAll(seed => { var sim = new Simulation(seed); ... });
    /// </code></example>
    public static Property ForAll(Action<long> scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return Prop.ForAll(Arb.From(Any), scenario);
    }
}
