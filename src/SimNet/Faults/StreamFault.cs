using SimNet.Kernel;
using SimNet.Topology;
using SimNet.Transport.Tcp;

namespace SimNet.Faults;

/// <summary>
/// One stream fault in force on the TCP connections between two hosts (see <see cref="Simulation.SliceStreams"/>,
/// <see cref="Simulation.StallStreams"/>, <see cref="Simulation.CloseStreamsAfter"/>, <see cref="Simulation.SlowCloseStreams"/>).
/// It acts on what the sending side puts on the wire: how much, when, and when its FIN goes. <see cref="Lift"/> ends it.
/// </summary>
public sealed class StreamFault : IEventHandler
{
    private readonly Simulation sim;
    private readonly List<Flow> flows = new(); // in the order first seen: deterministic, no hashing

    internal StreamFault(Simulation sim, StreamFaultKind kind, Host from, Host to, bool bothWays, int port)
    {
        this.sim = sim;
        Kind = kind;
        From = from;
        To = to;
        BothWays = bothWays;
        Port = port;
    }

    internal StreamFaultKind Kind { get; }

    internal Host From { get; }

    internal Host To { get; }

    internal bool BothWays { get; }

    internal int Port { get; }

    internal int MinBytes { get; init; }

    internal int MaxBytes { get; init; }

    internal long DelayTicks { get; init; }

    internal long Limit { get; init; }

    /// <summary>Whether <see cref="Lift"/> has ended this fault.</summary>
    public bool IsLifted { get; private set; }

    /// <summary>Ends the fault: held data, FINs and the next slices go at once. Lifting twice does nothing.</summary>
    public void Lift()
    {
        lock (sim.Gate)
        {
            sim.StreamFaults?.Remove(this);
        }
    }

    /// <summary>Describes the fault, for test output.</summary>
    public override string ToString() =>
        $"{Kind} {From.Name} {(BothWays ? "<->" : "->")} {To.Name}{(Port != 0 ? $" port {Port}" : string.Empty)}{(IsLifted ? " (lifted)" : string.Empty)}";

    /// <summary>Whether this fault acts on the data <paramref name="e"/> sends.</summary>
    internal bool Matches(TcpEndpoint e) => Covers(From, To, BothWays, Port, e);

    /// <summary>Whether <paramref name="e"/> is a connection from <paramref name="from"/> to <paramref name="to"/> (or back, when <paramref name="bothWays"/>), using <paramref name="port"/> at either end unless it is 0.</summary>
    internal static bool Covers(Host from, Host to, bool bothWays, int port, TcpEndpoint e)
    {
        if (e.RemoteAddress is null || (port != 0 && e.LocalPort != port && e.RemotePort != port))
        {
            return false;
        }

        return (e.Host == from && to.FindAdapterOwning(e.RemoteAddress) is not null)
            || (bothWays && e.Host == to && from.FindAdapterOwning(e.RemoteAddress) is not null);
    }

    /// <summary>How many of <paramref name="n"/> bytes <paramref name="e"/> may send now (0: later; a wake-up is arranged). Draws the next slice's size when one starts.</summary>
    internal int Permit(TcpEndpoint e, int n)
    {
        Flow f = FlowOf(e);
        switch (Kind)
        {
            case StreamFaultKind.Stall:
                return 0;
            case StreamFaultKind.Slice:
                if (sim.Clock.NowTicks < f.NextDueTicks)
                {
                    WakeAt(f, f.NextDueTicks);
                    return 0;
                }

                if (f.SliceLeft == 0)
                {
                    f.SliceLeft = MinBytes == MaxBytes ? MinBytes : sim.Random.Next(MinBytes, MaxBytes + 1);
                }

                return Math.Min(n, f.SliceLeft);
            case StreamFaultKind.CloseAfter:
                return (int)Math.Min(n, Limit - f.Sent);
            default:
                return n;
        }
    }

    /// <summary>Records that <paramref name="n"/> bytes went; returns true when the byte limit is reached and the stream must end.</summary>
    internal bool Commit(TcpEndpoint e, int n)
    {
        Flow f = FlowOf(e);
        f.Sent += n;
        if (Kind == StreamFaultKind.Slice && n > 0)
        {
            f.SliceLeft -= n;
            if (f.SliceLeft == 0)
            {
                f.NextDueTicks = sim.Clock.NowTicks + DelayTicks;
            }
        }

        return Kind == StreamFaultKind.CloseAfter && f.Sent >= Limit;
    }

    /// <summary>Whether <paramref name="e"/>'s FIN must wait (a stall, or a slow close not yet due).</summary>
    internal bool HoldsFin(TcpEndpoint e)
    {
        if (Kind == StreamFaultKind.Stall)
        {
            FlowOf(e); // remembered, so lifting the stall sends it
            return true;
        }

        if (Kind != StreamFaultKind.SlowClose)
        {
            return false;
        }

        Flow f = FlowOf(e);
        if (f.FinDueTicks < 0)
        {
            f.FinDueTicks = sim.Clock.NowTicks + DelayTicks;
        }

        if (sim.Clock.NowTicks >= f.FinDueTicks)
        {
            return false;
        }

        WakeAt(f, f.FinDueTicks);
        return true;
    }

    /// <summary>The fault ended: every connection it touched sends what it may now.</summary>
    internal void OnLifted()
    {
        IsLifted = true;
        foreach (Flow f in flows.ToArray())
        {
            f.Endpoint.ResumeSending();
        }

        flows.Clear();
    }

    void IEventHandler.OnEvent(object? state, long tag)
    {
        var f = (Flow)state!;
        f.WakeScheduled = false;
        if (!IsLifted)
        {
            f.Endpoint.ResumeSending();
        }
    }

    private void WakeAt(Flow f, long dueTicks)
    {
        if (!f.WakeScheduled)
        {
            f.WakeScheduled = true;
            sim.Schedule(dueTicks - sim.Clock.NowTicks, this, f, 0);
        }
    }

    private Flow FlowOf(TcpEndpoint e)
    {
        foreach (Flow f in flows)
        {
            if (f.Endpoint == e)
            {
                return f;
            }
        }

        var added = new Flow(e);
        flows.Add(added);
        return added;
    }

    /// <summary>One connection's data in the faulted direction: what has gone and what is due when.</summary>
    private sealed class Flow(TcpEndpoint endpoint)
    {
        public TcpEndpoint Endpoint { get; } = endpoint;

        public long Sent { get; set; }

        public int SliceLeft { get; set; }

        public long NextDueTicks { get; set; }

        public long FinDueTicks { get; set; } = -1;

        public bool WakeScheduled { get; set; }
    }
}

/// <summary>What a <see cref="StreamFault"/> does.</summary>
internal enum StreamFaultKind
{
    Slice,
    Stall,
    CloseAfter,
    SlowClose,
}

/// <summary>
/// The stream faults in force, consulted by a TCP endpoint as it sends (the one hook in its output path):
/// how many bytes may go now, whether the stream must end after them, whether the FIN must wait.
/// A fault never holds or discards a segment; it decides when segments are made, so the trace needs no new accounting.
/// </summary>
internal sealed class StreamFaultPlan
{
    private readonly List<StreamFault> faults = new();

    public bool IsEmpty => faults.Count == 0;

    public void Add(StreamFault fault) => faults.Add(fault);

    public void Remove(StreamFault fault)
    {
        if (faults.Remove(fault))
        {
            fault.OnLifted();
        }
    }

    public void RemoveAll(Func<StreamFault, bool> which)
    {
        foreach (StreamFault f in faults.Where(which).ToArray())
        {
            Remove(f);
        }
    }

    /// <summary>How many of <paramref name="n"/> bytes <paramref name="e"/> may send now; <paramref name="endStream"/> when a byte limit is reached with them.</summary>
    public int Take(TcpEndpoint e, int n, out bool endStream)
    {
        endStream = false;
        for (int i = 0; i < faults.Count && n > 0; i++)
        {
            if (faults[i].Matches(e))
            {
                n = faults[i].Permit(e, n);
            }
        }

        for (int i = 0; i < faults.Count; i++)
        {
            if (faults[i].Matches(e) && faults[i].Commit(e, n))
            {
                endStream = true;
            }
        }

        return n;
    }

    /// <summary>Whether any fault holds <paramref name="e"/>'s FIN back now (each one asked, so each arranges its wake-up).</summary>
    public bool HoldsFin(TcpEndpoint e)
    {
        bool held = false;
        for (int i = 0; i < faults.Count; i++)
        {
            if (faults[i].Matches(e) && faults[i].HoldsFin(e))
            {
                held = true;
            }
        }

        return held;
    }
}
