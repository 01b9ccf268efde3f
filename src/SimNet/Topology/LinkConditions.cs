namespace SimNet.Topology;

/// <summary>
/// How a segment treats the packets crossing it. The defaults are a perfect link: no delay, no loss.
/// </summary>
public sealed record LinkConditions
{
    /// <summary>A perfect link.</summary>
    public static readonly LinkConditions Perfect = new();

    /// <summary>One-way delay for every packet.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>Extra delay drawn uniformly from [0, <see cref="Jitter"/>] for each packet (from the seed).</summary>
    public TimeSpan Jitter { get; init; } = TimeSpan.Zero;

    /// <summary>Probability that a packet is lost, in [0, 1].</summary>
    public double LossRate { get; init; }

    /// <summary>Throws if a value is out of range, naming it.</summary>
    internal LinkConditions Validate()
    {
        if (Latency < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Latency), Latency, "Latency must be zero or more.");
        }

        if (Jitter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Jitter), Jitter, "Jitter must be zero or more.");
        }

        if (!(LossRate >= 0 && LossRate <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(LossRate), LossRate, "LossRate must be in [0, 1].");
        }

        return this;
    }
}
