using SimNet.Kernel;

namespace SimNet.Faults;

/// <summary>
/// A distribution of extra one-way delay, drawn per packet from the simulation's seed.
/// Draws below zero count as zero: a packet never arrives before it was sent.
/// </summary>
/// <remarks>
/// Real queueing delay is skewed: most packets are quick and a few are very late. <see cref="Pareto"/>
/// gives that long tail; <see cref="Normal"/> is netem's default shape; <see cref="Uniform"/> a plain range.
/// </remarks>
public sealed class DelayDistribution
{
    private enum Shape
    {
        Fixed,
        Uniform,
        Normal,
        Pareto,
        Exponential,
    }

    private readonly Shape shape;
    private readonly double a;
    private readonly double b;

    private DelayDistribution(Shape shape, double a, double b, string description)
    {
        this.shape = shape;
        this.a = a;
        this.b = b;
        Description = description;
    }

    /// <summary>How the distribution was made, e.g. <c>Normal(mean=20ms, sd=5ms)</c>, for replay lines.</summary>
    public string Description { get; }

    /// <summary>Always <paramref name="delay"/>.</summary>
    public static DelayDistribution Fixed(TimeSpan delay)
    {
        NotNegative(delay, nameof(delay));
        return new(Shape.Fixed, delay.Ticks, 0, $"Fixed({delay.TotalMilliseconds}ms)");
    }

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static DelayDistribution Uniform(TimeSpan min, TimeSpan max)
    {
        NotNegative(min, nameof(min));
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        return new(Shape.Uniform, min.Ticks, max.Ticks, $"Uniform({min.TotalMilliseconds}ms..{max.TotalMilliseconds}ms)");
    }

    /// <summary>Normal with <paramref name="mean"/> and <paramref name="standardDeviation"/> (Box-Muller), cut at zero.</summary>
    public static DelayDistribution Normal(TimeSpan mean, TimeSpan standardDeviation)
    {
        NotNegative(mean, nameof(mean));
        NotNegative(standardDeviation, nameof(standardDeviation));
        return new(Shape.Normal, mean.Ticks, standardDeviation.Ticks, $"Normal(mean={mean.TotalMilliseconds}ms, sd={standardDeviation.TotalMilliseconds}ms)");
    }

    /// <summary>Pareto with minimum <paramref name="scale"/> and tail index <paramref name="shapeIndex"/> (greater than 1 for a finite mean; smaller is a heavier tail).</summary>
    public static DelayDistribution Pareto(TimeSpan scale, double shapeIndex)
    {
        NotNegative(scale, nameof(scale));
        if (!(shapeIndex > 0) || double.IsInfinity(shapeIndex))
        {
            throw new ArgumentOutOfRangeException(nameof(shapeIndex), shapeIndex, "The shape index must be a positive number.");
        }

        return new(Shape.Pareto, scale.Ticks, shapeIndex, $"Pareto(scale={scale.TotalMilliseconds}ms, shape={shapeIndex})");
    }

    /// <summary>Exponential with <paramref name="mean"/> (memoryless waiting, as in an M/M/1 queue).</summary>
    public static DelayDistribution Exponential(TimeSpan mean)
    {
        NotNegative(mean, nameof(mean));
        return new(Shape.Exponential, mean.Ticks, 0, $"Exponential(mean={mean.TotalMilliseconds}ms)");
    }

    /// <summary>One draw, in ticks, never negative.</summary>
    internal long SampleTicks(SimRandom random)
    {
        double ticks = shape switch
        {
            Shape.Fixed => a,
            Shape.Uniform => a + (random.NextDouble() * (b - a)),
            Shape.Normal => a + (b * StandardNormal(random)),
            Shape.Pareto => a / Math.Pow(1.0 - random.NextDouble(), 1.0 / b),
            _ => -a * Math.Log(1.0 - random.NextDouble()),
        };

        // A heavy tail can overflow; a day is late enough for any test.
        return ticks <= 0 ? 0 : (long)Math.Min(ticks, TimeSpan.TicksPerDay);
    }

    private static double StandardNormal(SimRandom random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static void NotNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "The time must be zero or more.");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}
