using SimNet.Faults;

namespace SimNet.Topology;

/// <summary>
/// How a link treats the packets crossing it: every knob of SimNet's link faults, each with its
/// unit and distribution. The defaults are a perfect link: no delay, no loss, no limit.
/// </summary>
/// <remarks>
/// Set it on a segment (<see cref="Segment.Conditions"/>), or scope it to an adapter or a host pair
/// with <see cref="Simulation.SetLink(NetworkAdapter, LinkConditions)"/> and its overloads. A packet
/// meets the segment's conditions first, then every scoped set that matches it, in the order they were
/// set; delays add up and the first drop wins. Every draw comes from <see cref="Simulation.Random"/>.
/// </remarks>
public sealed record LinkConditions
{
    /// <summary>A perfect link.</summary>
    public static readonly LinkConditions Perfect = new();

    /// <summary>One-way delay for every packet.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.Zero;

    /// <summary>Extra delay drawn uniformly from [0, <see cref="Jitter"/>] for each packet (from the seed).</summary>
    public TimeSpan Jitter { get; init; } = TimeSpan.Zero;

    /// <summary>Extra delay drawn per packet from a distribution (normal, Pareto, uniform...); null for none.</summary>
    public DelayDistribution? Delay { get; init; }

    /// <summary>Probability that a packet is lost, in [0, 1], independently of the others.</summary>
    public double LossRate { get; init; }

    /// <summary>Loss in bursts (a Gilbert-Elliott channel); null for none.</summary>
    public BurstLoss? BurstLoss { get; init; }

    /// <summary>Probability that a packet is delivered twice, in [0, 1]. The duplicate is a new packet traced as a copy.</summary>
    public double DuplicationRate { get; init; }

    /// <summary>Probability that a packet is held back by <see cref="ReorderDelay"/> so later packets overtake it, in [0, 1].</summary>
    public double ReorderRate { get; init; }

    /// <summary>How long a reordered packet is held back (default 10 ms).</summary>
    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Probability that a packet has payload bits flipped on the way, in [0, 1]. A corrupted packet fails its checksum and is dropped, unless <see cref="CorruptionEvadesChecksum"/>.</summary>
    public double CorruptionRate { get; init; }

    /// <summary>Whether corrupted packets still pass their checksum and reach the application (as when a checksum is off or collides).</summary>
    public bool CorruptionEvadesChecksum { get; init; }

    /// <summary>Link speed in bits per second; 0 for unlimited. Packets wait their turn behind the sending adapter's queue.</summary>
    public long BandwidthBitsPerSecond { get; init; }

    /// <summary>How many bytes may wait in a sending adapter's queue when <see cref="BandwidthBitsPerSecond"/> is set; more is dropped as <see cref="Tracing.DropReason.QueueFull"/>. Default 64 KiB.</summary>
    public int QueueLimitBytes { get; init; } = 64 * 1024;

    /// <summary>Largest IP packet (headers included) the link carries; 0 for no limit. A bigger packet is dropped as <see cref="Tracing.DropReason.TooBig"/>.</summary>
    public int Mtu { get; init; }

    /// <summary>Whether these conditions change nothing.</summary>
    internal bool IsPerfect =>
        Latency == TimeSpan.Zero && Jitter == TimeSpan.Zero && Delay is null && LossRate == 0 && BurstLoss is null
        && DuplicationRate == 0 && ReorderRate == 0 && CorruptionRate == 0 && BandwidthBitsPerSecond == 0 && Mtu == 0;

    /// <summary>Throws if a value is out of range, naming it.</summary>
    internal LinkConditions Validate()
    {
        NotNegative(Latency, nameof(Latency));
        NotNegative(Jitter, nameof(Jitter));
        NotNegative(ReorderDelay, nameof(ReorderDelay));
        Probability(LossRate, nameof(LossRate));
        Probability(DuplicationRate, nameof(DuplicationRate));
        Probability(ReorderRate, nameof(ReorderRate));
        Probability(CorruptionRate, nameof(CorruptionRate));
        ArgumentOutOfRangeException.ThrowIfNegative(BandwidthBitsPerSecond, nameof(BandwidthBitsPerSecond));
        ArgumentOutOfRangeException.ThrowIfNegative(QueueLimitBytes, nameof(QueueLimitBytes));
        BurstLoss?.Validate();
        if (Mtu != 0 && Mtu < 68)
        {
            throw new ArgumentOutOfRangeException(nameof(Mtu), Mtu, "Mtu must be 0 (no limit) or at least 68.");
        }

        return this;
    }

    private static void NotNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be zero or more.");
        }
    }

    internal static void Probability(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1].");
        }
    }
}
