using SimNet.Capture;
using SimNet.Ip;
using SimNet.Kernel;
using SimNet.Topology;
using SimNet.Tracing;

namespace SimNet.Faults;

/// <summary>What the link decided for one packet on one hop, built up by a chain of <see cref="LinkRule"/>s.</summary>
internal struct LinkVerdict
{
    /// <summary>Why the packet is dropped; <see cref="DropReason.None"/> while it still travels.</summary>
    public DropReason Drop;

    /// <summary>Delay before the packet reaches the receiving adapter, in ticks.</summary>
    public long DelayTicks;

    /// <summary>How many extra copies arrive (each a new packet traced as a copy).</summary>
    public int Duplicates;

    /// <summary>Whether payload bits were flipped on the way.</summary>
    public bool Corrupted;
}

/// <summary>
/// One fault on a link: looks at a packet crossing from one adapter to another and adds to the verdict.
/// Rules draw from the simulation's random source only when their fault is configured, so a perfect
/// link draws nothing and adding a fault elsewhere never shifts this link's sequence of draws.
/// </summary>
internal abstract class LinkRule
{
    public abstract void Apply(ref LinkVerdict verdict, Packet packet, NetworkAdapter from, Simulation sim);

    /// <summary>The chain of rules that <paramref name="c"/> describes, in the order they act.</summary>
    public static LinkRule[] Compile(LinkConditions c)
    {
        var rules = new List<LinkRule>();
        if (c.Mtu > 0)
        {
            rules.Add(new MtuRule(c.Mtu));
        }

        if (c.LossRate > 0)
        {
            rules.Add(new LossRule(c.LossRate));
        }

        if (c.BurstLoss is { } burst)
        {
            rules.Add(new BurstLossRule(burst));
        }

        if (c.CorruptionRate > 0)
        {
            rules.Add(new CorruptionRule(c.CorruptionRate, c.CorruptionEvadesChecksum));
        }

        if (c.BandwidthBitsPerSecond > 0)
        {
            rules.Add(new BandwidthRule(c.BandwidthBitsPerSecond, c.QueueLimitBytes));
        }

        if (c.Latency > TimeSpan.Zero || c.Jitter > TimeSpan.Zero || c.Delay is not null)
        {
            rules.Add(new LatencyRule(c.Latency.Ticks, c.Jitter.Ticks, c.Delay));
        }

        if (c.ReorderRate > 0)
        {
            rules.Add(new ReorderRule(c.ReorderRate, c.ReorderDelay.Ticks));
        }

        if (c.DuplicationRate > 0)
        {
            rules.Add(new DuplicationRule(c.DuplicationRate));
        }

        return rules.ToArray();
    }
}

/// <summary>A packet bigger than the link's MTU is dropped as too big (SimNet does not model fragments).</summary>
internal sealed class MtuRule(int mtu) : LinkRule
{
    public override void Apply(ref LinkVerdict verdict, Packet packet, NetworkAdapter from, Simulation sim)
    {
        if (FrameBuilder.IpLength(packet) > mtu)
        {
            verdict.Drop = DropReason.TooBig;
        }
    }
}

/// <summary>Independent (Bernoulli) loss.</summary>
internal sealed class LossRule(double rate) : LinkRule
{
    public override void Apply(ref LinkVerdict verdict, Packet packet, NetworkAdapter from, Simulation sim)
    {
        if (sim.Random.Chance(rate))
        {
            verdict.Drop = DropReason.Loss;
        }
    }
}

/// <summary>Gilbert-Elliott loss: the state moves before each packet, then the state's loss rate applies.</summary>
internal sealed class BurstLossRule(BurstLoss model) : LinkRule
{
    private bool bad;

    public override void Apply(ref LinkVerdict verdict, Packet packet, NetworkAdapter from, Simulation sim)
    {
        SimRandom random = sim.Random;
        bad = bad ? !random.Chance(model.BadToGood) : random.Chance(model.GoodToBad);
        if (random.Chance(bad ? model.LossInBad : model.LossInGood))
        {
            verdict.Drop = DropReason.Loss;
        }
    }
}

/// <summary>Flips one payload bit; the receiver's checksum catches it unless the user asked it not to.</summary>
internal sealed class CorruptionRule(double rate, bool evadesChecksum) : LinkRule
{
    public override void Apply(ref LinkVerdict verdict, Packet packet, NetworkAdapter from, Simulation sim)
    {
        if (!sim.Random.Chance(rate))
        {
            return;
        }

        verdict.Corrupted = true;
        if (packet.Length > 0)
        {
            int bit = sim.Random.Next(packet.Length * 8);
            packet.Buffer[bit / 8] ^= (byte)(1 << (bit % 8));
        }

        if (!evadesChecksum)
        {
            verdict.Drop = DropReason.ChecksumFailed;
        }
    }
}

/// <summary>
/// A link of limited speed with a byte-limited queue per sending adapter: a packet waits for the
/// ones ahead of it, then takes its own serialization time; a full queue drops it.
/// </summary>
internal sealed class BandwidthRule(long bitsPerSecond, int queueLimitBytes) : LinkRule
{
    private readonly List<(NetworkAdapter Adapter, long BusyUntil)> senders = new();

    public override void Apply(ref LinkVerdict verdict, Packet packet, NetworkAdapter from, Simulation sim)
    {
        long now = sim.Clock.NowTicks;
        int i = senders.Count - 1;
        while (i >= 0 && senders[i].Adapter != from)
        {
            i--;
        }

        long busyUntil = i >= 0 ? Math.Max(senders[i].BusyUntil, now) : now;
        int size = FrameBuilder.IpLength(packet);
        long backlogBytes = (long)((busyUntil - now) / (double)TimeSpan.TicksPerSecond * bitsPerSecond / 8);
        if (backlogBytes + size > queueLimitBytes && busyUntil > now)
        {
            verdict.Drop = DropReason.QueueFull;
            return;
        }

        long serialization = (long)Math.Ceiling(size * 8.0 * TimeSpan.TicksPerSecond / bitsPerSecond);
        busyUntil += serialization;
        if (i >= 0)
        {
            senders[i] = (from, busyUntil);
        }
        else
        {
            senders.Add((from, busyUntil));
        }

        verdict.DelayTicks += busyUntil - now;
    }
}

/// <summary>Fixed latency, uniform jitter on top, then a draw from the delay distribution.</summary>
internal sealed class LatencyRule(long latencyTicks, long jitterTicks, DelayDistribution? distribution) : LinkRule
{
    public override void Apply(ref LinkVerdict verdict, Packet packet, NetworkAdapter from, Simulation sim)
    {
        long delay = latencyTicks;
        if (jitterTicks > 0)
        {
            delay += (long)(sim.Random.NextDouble() * jitterTicks);
        }

        if (distribution is not null)
        {
            delay += distribution.SampleTicks(sim.Random);
        }

        verdict.DelayTicks += delay;
    }
}

/// <summary>Holds some packets back so the ones sent after them arrive first.</summary>
internal sealed class ReorderRule(double rate, long holdTicks) : LinkRule
{
    public override void Apply(ref LinkVerdict verdict, Packet packet, NetworkAdapter from, Simulation sim)
    {
        if (sim.Random.Chance(rate))
        {
            verdict.DelayTicks += holdTicks;
        }
    }
}

/// <summary>Delivers some packets twice.</summary>
internal sealed class DuplicationRule(double rate) : LinkRule
{
    public override void Apply(ref LinkVerdict verdict, Packet packet, NetworkAdapter from, Simulation sim)
    {
        if (sim.Random.Chance(rate))
        {
            verdict.Duplicates++;
        }
    }
}
