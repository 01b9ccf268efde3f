using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Topology;

namespace SimNet.Testing;

/// <summary>What a scheduled fault does.</summary>
public enum FaultKind
{
    /// <summary>Cut hosts <c>A</c> and <c>B</c> apart both ways at <c>At</c>; heal at <c>Until</c>.</summary>
    Partition,

    /// <summary>Hold every packet between <c>A</c> and <c>B</c> at <c>At</c>; release them in order at <c>Until</c>.</summary>
    Hold,

    /// <summary>Crash host <c>A</c> at <c>At</c>; restart it at <c>Until</c>.</summary>
    Crash,

    /// <summary>Step host <c>A</c>'s clock by <c>Skew</c> at <c>At</c>; step it back at <c>Until</c>.</summary>
    ClockSkew,
}

/// <summary>One fault with its start and end in virtual time. Hosts are indexes into <see cref="Network.Hosts"/>.</summary>
/// <param name="Kind">What it does.</param>
/// <param name="A">The host it hits (or one side of the pair).</param>
/// <param name="B">The other side of the pair (partition, hold); unused otherwise.</param>
/// <param name="At">When it starts.</param>
/// <param name="Until">When it ends (must be after <paramref name="At"/>).</param>
/// <param name="Skew">For <see cref="FaultKind.ClockSkew"/>, the step; otherwise zero.</param>
public sealed record Fault(FaultKind Kind, int A, int B, TimeSpan At, TimeSpan Until, TimeSpan Skew)
{
    /// <summary>Compact text: <c>partition(h0,h2)@120ms..900ms</c>.</summary>
    public override string ToString()
    {
        string who = Kind is FaultKind.Partition or FaultKind.Hold ? $"h{A},h{B}" : $"h{A}";
        string skew = Kind == FaultKind.ClockSkew ? string.Create(CultureInfo.InvariantCulture, $",{Skew.TotalMilliseconds}ms") : "";
        return string.Create(CultureInfo.InvariantCulture, $"{Kind.ToString().ToLowerInvariant()}({who}{skew})@{At.TotalMilliseconds}ms..{Until.TotalMilliseconds}ms");
    }
}

/// <summary>A list of faults to run against a network; <see cref="ApplyTo"/> schedules them all on the simulation's agenda.</summary>
/// <param name="Faults">The faults, in the order they were drawn.</param>
public sealed record FaultSchedule(IReadOnlyList<Fault> Faults)
{
    /// <summary>No faults.</summary>
    public static FaultSchedule None { get; } = new(Array.Empty<Fault>());

    /// <summary>Schedules every fault's start and end on <paramref name="network"/>'s simulation (with <see cref="Simulation.At"/>).</summary>
    /// <remarks>A crash of a host that is already down, or a restart of one that is up, is skipped: overlapping crashes merge.</remarks>
    public void ApplyTo(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        Simulation sim = network.Sim;
        foreach (Fault f in Faults)
        {
            Host a = network.Hosts[f.A];
            Host b = network.Hosts[f.B];
            switch (f.Kind)
            {
                case FaultKind.Partition:
                    sim.At(f.At, s => s.Partition(a, b));
                    sim.At(f.Until, s => s.Heal(a, b));
                    break;
                case FaultKind.Hold:
                    sim.At(f.At, s => s.Hold(a, b));
                    sim.At(f.Until, s => s.Release(a, b));
                    break;
                case FaultKind.Crash:
                    sim.At(f.At, _ =>
                    {
                        if (a.IsUp)
                        {
                            a.Crash();
                        }
                    });
                    sim.At(f.Until, _ =>
                    {
                        if (!a.IsUp)
                        {
                            a.Restart();
                        }
                    });
                    break;
                case FaultKind.ClockSkew:
                    sim.At(f.At, _ => a.Clock.Skew += f.Skew);
                    sim.At(f.Until, _ => a.Clock.Skew -= f.Skew);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(network), f.Kind, "Unknown fault kind.");
            }
        }
    }

    /// <summary>The faults, comma-separated, or <c>none</c>.</summary>
    public override string ToString() => Faults.Count == 0 ? "none" : string.Join(",", Faults);
}

/// <summary>FsCheck generators of faults and link conditions; the arbitraries shrink toward fewer faults and a perfect link.</summary>
public static class FaultGen
{
    /// <summary>Every fault kind.</summary>
    public static IReadOnlyList<FaultKind> AllKinds { get; } = [FaultKind.Partition, FaultKind.Hold, FaultKind.Crash, FaultKind.ClockSkew];

    /// <summary>One fault of a kind in <paramref name="kinds"/> among <paramref name="hosts"/> hosts, starting and ending within <paramref name="horizon"/>.</summary>
    public static Gen<Fault> One(int hosts, TimeSpan horizon, IReadOnlyList<FaultKind>? kinds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hosts, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(horizon, TimeSpan.FromMilliseconds(2));
        int ms = (int)Math.Min(int.MaxValue, (long)horizon.TotalMilliseconds);
        return from kind in Gen.Elements((kinds ?? AllKinds).ToArray())
               from a in Gen.Choose(0, hosts - 1)
               from other in Gen.Choose(1, hosts - 1)
               from start in Gen.Choose(0, ms - 1)
               from length in Gen.Choose(1, ms - start)
               from skewMs in Gen.Choose(-60_000, 60_000)
               select new Fault(
                   kind,
                   a,
                   (a + other) % hosts,
                   TimeSpan.FromMilliseconds(start),
                   TimeSpan.FromMilliseconds(start + length),
                   kind == FaultKind.ClockSkew ? TimeSpan.FromMilliseconds(skewMs) : TimeSpan.Zero);
    }

    /// <summary>Up to <paramref name="maxFaults"/> faults (see <see cref="One"/>).</summary>
    public static Gen<FaultSchedule> Schedule(int hosts, TimeSpan horizon, int maxFaults = 4, IReadOnlyList<FaultKind>? kinds = null) =>
        from count in Gen.Choose(0, maxFaults)
        from faults in Gen.ArrayOf(One(hosts, horizon, kinds), count)
        select new FaultSchedule(faults);

    /// <summary>
    /// Smaller schedules: without one fault (the last first), then each fault made shorter (half its length).
    /// </summary>
    public static IEnumerable<FaultSchedule> Shrink(FaultSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        for (int i = schedule.Faults.Count - 1; i >= 0; i--)
        {
            yield return new FaultSchedule(schedule.Faults.Where((_, j) => j != i).ToArray());
        }

        for (int i = 0; i < schedule.Faults.Count; i++)
        {
            Fault f = schedule.Faults[i];
            TimeSpan half = (f.Until - f.At) / 2;
            if (half >= TimeSpan.FromMilliseconds(1))
            {
                Fault[] copy = schedule.Faults.ToArray();
                copy[i] = f with { Until = f.At + half };
                yield return new FaultSchedule(copy);
            }
        }
    }

    /// <summary><see cref="Schedule"/> as an arbitrary that shrinks toward fewer, shorter faults.</summary>
    public static Arbitrary<FaultSchedule> Arbitrary(int hosts, TimeSpan horizon, int maxFaults = 4, IReadOnlyList<FaultKind>? kinds = null) =>
        Arb.From(Schedule(hosts, horizon, maxFaults, kinds), Shrink);

    /// <summary>
    /// Link conditions from perfect to bad: latency 0–50 ms, jitter up to 20 ms, and loss, duplication and
    /// reordering each 0, 1, 10 or 30 percent.
    /// </summary>
    public static Gen<LinkConditions> Link { get; } =
        from latency in Gen.Choose(0, 50)
        from jitter in Gen.Choose(0, 20)
        from loss in Gen.Elements(0.0, 0.01, 0.1, 0.3)
        from dup in Gen.Elements(0.0, 0.01, 0.1, 0.3)
        from reorder in Gen.Elements(0.0, 0.01, 0.1, 0.3)
        select new LinkConditions
        {
            Latency = TimeSpan.FromMilliseconds(latency),
            Jitter = TimeSpan.FromMilliseconds(jitter),
            LossRate = loss,
            DuplicationRate = dup,
            ReorderRate = reorder,
        };

    /// <summary>Simpler conditions: each impairment in turn set to none, ending at <see cref="LinkConditions.Perfect"/>.</summary>
    public static IEnumerable<LinkConditions> ShrinkLink(LinkConditions link)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (link.LossRate > 0)
        {
            yield return link with { LossRate = 0 };
        }

        if (link.DuplicationRate > 0)
        {
            yield return link with { DuplicationRate = 0 };
        }

        if (link.ReorderRate > 0)
        {
            yield return link with { ReorderRate = 0 };
        }

        if (link.Jitter > TimeSpan.Zero)
        {
            yield return link with { Jitter = TimeSpan.Zero };
        }

        if (link.Latency > TimeSpan.Zero)
        {
            yield return link with { Latency = TimeSpan.Zero };
        }
    }

    /// <summary><see cref="Link"/> as an arbitrary that shrinks toward a perfect link.</summary>
    public static Arbitrary<LinkConditions> LinkArbitrary() => Arb.From(Link, ShrinkLink);

    /// <summary>One line for <paramref name="link"/>: <c>latency=5ms jitter=2ms loss=0.1 dup=0 reorder=0.3</c>.</summary>
    public static string Describe(LinkConditions link)
    {
        ArgumentNullException.ThrowIfNull(link);
        return string.Create(CultureInfo.InvariantCulture, $"latency={link.Latency.TotalMilliseconds}ms jitter={link.Jitter.TotalMilliseconds}ms loss={link.LossRate} dup={link.DuplicationRate} reorder={link.ReorderRate}");
    }
}
