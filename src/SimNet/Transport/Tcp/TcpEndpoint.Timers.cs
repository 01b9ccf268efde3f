namespace SimNet.Transport.Tcp;

/// <summary>
/// The connection's five timers, each carried by at most one event on the agenda that is moved, not
/// replaced, when the timer is re-armed. A bulk transfer re-arms the retransmit timer on every ACK and
/// the delayed-ACK timer on every other segment; scheduling a fresh event each time used to leave one
/// superseded event per re-arm in the queue until its due time (735,446 after 1 GiB).
/// </summary>
/// <remarks>
/// <para>Re-arming to a later time only records the new due time: the event already queued fires
/// first, finds the timer due later and queues itself again for the new time. Re-arming to an earlier
/// time queues a new carrier (the old one, superseded, goes when due: the one case that leaves a stale
/// event, rare because time moves forward). Cancelling only disarms; the carrier finds nothing to do.
/// So a timer has at most one live event, plus one stale event per move to an earlier time.</para>
/// <para>Order is exactly that of one fresh event per arming: each arming takes a sequence number
/// (as scheduling did), and the timer fires only from an event keyed (due, that sequence); a carrier
/// that comes up under another key queues itself again under the armed key.</para>
/// </remarks>
internal sealed partial class TcpEndpoint
{
    private const int TimerKinds = 5;

    private readonly TimerSlot[] timers = new TimerSlot[TimerKinds];

    private struct TimerSlot
    {
        public bool Armed;
        public long Due;
        public long Sequence;

        /// <summary>A carrier event is queued; <see cref="CarrierDue"/>/<see cref="CarrierSequence"/> are its key.</summary>
        public bool CarrierQueued;
        public long CarrierDue;
        public long CarrierSequence;

        /// <summary>Tags the live carrier; an event with an older generation was superseded by an earlier one.</summary>
        public long Generation;
    }

    private bool IsArmed(int kind) => timers[kind].Armed;

    private void Arm(int kind, long delayTicks)
    {
        Simulation sim = Host.Simulation;
        ref TimerSlot t = ref timers[kind];
        t.Armed = true;
        t.Due = sim.Clock.NowTicks + delayTicks;
        t.Sequence = sim.NextCreationOrder();
        if (t.CarrierQueued && t.CarrierDue <= t.Due)
        {
            return; // the queued carrier comes up first and moves itself to the new due time
        }

        t.Generation++;
        QueueCarrier(kind, ref t);
    }

    private void QueueCarrier(int kind, ref TimerSlot t)
    {
        t.CarrierQueued = true;
        t.CarrierDue = t.Due;
        t.CarrierSequence = t.Sequence;
        Host.Simulation.ScheduleOrdered(t.Due, t.Sequence, this, null, (t.Generation * TimerKinds) + kind);
    }

    private void CancelTimer(int kind) => timers[kind].Armed = false;

    private void CancelTimers()
    {
        for (int i = 0; i < TimerKinds; i++)
        {
            CancelTimer(i);
        }
    }

    /// <summary>
    /// A carrier event came up: true when its timer fires now (it is then disarmed); false when the
    /// event was superseded, the timer was cancelled, or it was re-armed (the carrier has moved on).
    /// </summary>
    private bool TimerFires(long tag, out int kind)
    {
        kind = (int)(tag % TimerKinds);
        ref TimerSlot t = ref timers[kind];
        if (tag / TimerKinds != t.Generation)
        {
            return false; // a carrier replaced by one for an earlier time
        }

        t.CarrierQueued = false;
        if (!t.Armed)
        {
            return false;
        }

        if (t.Due != t.CarrierDue || t.Sequence != t.CarrierSequence)
        {
            QueueCarrier(kind, ref t);
            return false;
        }

        t.Armed = false;
        return true;
    }

    /// <summary>Events this connection has on the agenda for its timers (live and superseded), for tests.</summary>
    internal int QueuedTimerEvents
    {
        get
        {
            int n = 0;
            foreach (TimerSlot t in timers)
            {
                n += t.CarrierQueued ? 1 : 0;
            }

            return n;
        }
    }
}
