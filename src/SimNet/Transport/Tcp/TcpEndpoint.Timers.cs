using SimNet.Kernel;

namespace SimNet.Transport.Tcp;

/// <summary>
/// The connection's five timers, each a <see cref="TimerEntry"/>: one slot in the agenda's timer heap
/// that re-arming moves and cancelling frees. A bulk transfer re-arms the retransmit timer on every
/// ACK and the delayed-ACK timer on every other segment; scheduling a fresh event each time used to
/// leave one superseded event per re-arm in the queue until its due time (735,446 after 1 GiB).
/// </summary>
/// <remarks>
/// Each arming takes a fresh sequence number as its tie-break, as scheduling a fresh event did, so
/// timers and packets due at the same instant run in exactly the order they did before.
/// </remarks>
internal sealed partial class TcpEndpoint
{
    private const int TimerKinds = 5;

    private TcpTimer[]? timers;

    private sealed class TcpTimer(TcpEndpoint endpoint, int kind) : TimerEntry
    {
        public override void OnEvent(object? state, long tag) => endpoint.OnTimer(kind);
    }

    private bool IsArmed(int kind) => timers is not null && timers[kind].IsArmed;

    private void Arm(int kind, long delayTicks)
    {
        Simulation sim = Host.Simulation;
        timers ??= NewTimers();
        TcpTimer t = timers[kind];
        sim.CancelTimer(t); // a new sequence number: out of the heap first, then in at its new key
        t.Sequence = sim.NextCreationOrder();
        sim.SetTimer(t, sim.Clock.NowTicks + delayTicks);
    }

    private TcpTimer[] NewTimers()
    {
        var all = new TcpTimer[TimerKinds];
        for (int i = 0; i < TimerKinds; i++)
        {
            all[i] = new TcpTimer(this, i);
        }

        return all;
    }

    private void CancelTimer(int kind)
    {
        if (timers is not null)
        {
            Host.Simulation.CancelTimer(timers[kind]);
        }
    }

    private void CancelTimers()
    {
        for (int i = 0; i < TimerKinds; i++)
        {
            CancelTimer(i);
        }
    }

    /// <summary>Timer events this connection has on the agenda (one per armed timer), for tests.</summary>
    internal int QueuedTimerEvents
    {
        get
        {
            int n = 0;
            for (int i = 0; i < TimerKinds; i++)
            {
                n += IsArmed(i) ? 1 : 0;
            }

            return n;
        }
    }
}
