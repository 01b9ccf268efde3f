using SimNet.Topology;

namespace SimNet.Faults;

/// <summary>
/// Loss in bursts, as a Gilbert-Elliott channel: the link is Good or Bad, switches state before
/// each packet, and loses packets with a different probability in each state.
/// </summary>
/// <remarks>
/// The mean burst lasts 1/<see cref="BadToGood"/> packets and the long-run share of time in Bad is
/// <see cref="GoodToBad"/> / (<see cref="GoodToBad"/> + <see cref="BadToGood"/>). The state belongs to
/// one link scope (a segment, an adapter, a host pair) and starts Good.
/// </remarks>
/// <param name="GoodToBad">Probability of moving from Good to Bad before a packet (netem's p).</param>
/// <param name="BadToGood">Probability of moving from Bad to Good before a packet (netem's r).</param>
/// <param name="LossInBad">Probability of loss while Bad (netem's 1-h); 1 by default.</param>
/// <param name="LossInGood">Probability of loss while Good (netem's 1-k); 0 by default.</param>
public sealed record BurstLoss(double GoodToBad, double BadToGood, double LossInBad = 1, double LossInGood = 0)
{
    /// <summary>The long-run loss rate these parameters give.</summary>
    public double ExpectedLossRate =>
        GoodToBad + BadToGood == 0
            ? LossInGood
            : ((GoodToBad * LossInBad) + (BadToGood * LossInGood)) / (GoodToBad + BadToGood);

    internal BurstLoss Validate()
    {
        LinkConditions.Probability(GoodToBad, nameof(GoodToBad));
        LinkConditions.Probability(BadToGood, nameof(BadToGood));
        LinkConditions.Probability(LossInBad, nameof(LossInBad));
        LinkConditions.Probability(LossInGood, nameof(LossInGood));
        return this;
    }
}
