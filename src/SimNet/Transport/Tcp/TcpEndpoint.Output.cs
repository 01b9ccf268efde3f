using System.Net;
using SimNet.Kernel;
using System.Net.Sockets;
using SimNet.Ip;
using SimNet.Topology;

namespace SimNet.Transport.Tcp;

/// <summary>Sending, retransmission and the connection's timers, all in virtual time.</summary>
internal sealed partial class TcpEndpoint
{
    private const int RetransmitTimer = 0;
    private const int PersistTimer = 1;
    private const int LingerTimer = 2; // TIME_WAIT, or FIN_WAIT_2 of an orphan
    private const int KeepAliveTimer = 3;
    private const int DelayedAckTimer = 4;

    /// <summary>Linux's minimum delayed-ACK time (TCP_DELACK_MIN).</summary>
    private static readonly long DelayedAckTicks = TimeSpan.FromMilliseconds(40).Ticks;

    private int segmentsNotAcknowledged;

    private uint iss;
    private uint sndUna;
    private uint sndNxt;
    private uint sndWl1;
    private uint sndWl2;
    private int sndWnd;
    private int mss = 536;
    private bool finQueued;
    private bool finSent;
    private uint finSequence;
    private int lastAdvertisedWindow;

    private int retries;
    private int backoff;
    private int duplicateAcks;
    private bool recovering;
    private uint recoveryPoint;
    private int persistProbes; // unanswered zero-window probes
    private int persistBackoff; // doubles the probe interval while the window stays shut
    private int keepAliveProbes;
    private long lastHeardTicks;

    // RFC 6298 estimator, in ticks; one segment timed at a time, never a retransmitted one (Karn).
    private long srtt = -1;
    private long rttvar;
    private bool timing;
    private uint timedSequence;
    private long timedSince;

    private long BaseRto
    {
        get
        {
            long rto = srtt < 0 ? Stack.InitialRto.Ticks : srtt + Math.Max(TimeSpan.TicksPerMillisecond, 4 * rttvar);
            return Math.Clamp(rto, Stack.MinRto.Ticks, Stack.MaxRto.Ticks);
        }
    }

    private long CurrentRto => Math.Min(BaseRto << Math.Min(backoff, 30), Stack.MaxRto.Ticks);

    /// <summary>
    /// RFC 6528's shape, as Linux: a keyed hash of the address pair plus a clock ticking every 4 µs, so a
    /// new connection on the same pair starts above the old one (which lets it through a TIME_WAIT).
    /// Virtual time may stand still between two connections, so each endpoint also adds 64,000 per
    /// endpoint made before it on the host (the pre-RFC 1948 increment). The key is the simulation's
    /// seed: no random draw is spent and the value is the same in every process.
    /// </summary>
    private uint NewInitialSequence()
    {
        ulong h = 14695981039346656037UL ^ (ulong)Host.Simulation.Seed;
        h = Mix(h, LocalAddress!, LocalPort);
        h = Mix(h, RemoteAddress!, RemotePort);
        return (uint)(h ^ (h >> 32)) + (uint)(Host.Simulation.Clock.NowTicks / 40) + (uint)(Number * 64000);

        static ulong Mix(ulong h, System.Net.IPAddress address, int port)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out int n);
            foreach (byte b in bytes[..n])
            {
                h = (h ^ b) * 1099511628211UL;
            }

            return (h ^ (uint)port) * 1099511628211UL;
        }
    }

    /// <summary>The largest payload that fits the outgoing adapter's MTU without IP or TCP options.</summary>
    private int MssFor(in RouteDecision route)
    {
        if (route.Error != SocketError.Success || route.Adapter is null)
        {
            return 536;
        }

        int headers = route.Source!.AddressFamily == AddressFamily.InterNetwork ? 40 : 60;
        return Math.Max(route.Adapter.Mtu - headers, 64);
    }

    // ---------------------------------------------------------------- building segments

    private void SendControl(byte flags, uint seq) => SendSegment(flags, seq, 0, 0);

    private void SendAck() => SendSegment(TcpFlags.Ack, sndNxt, 0, 0);

    /// <summary>Delayed ACK (RFC 9293 3.8.6.3): every second full run of data, or 40 ms after the first, unless <paramref name="now"/>.</summary>
    private void AcknowledgeData(bool now)
    {
        if (now || ++segmentsNotAcknowledged >= 2)
        {
            SendAck();
        }
        else
        {
            Arm(DelayedAckTimer, DelayedAckTicks);
        }
    }

    /// <summary>Sends <paramref name="length"/> bytes starting <paramref name="offset"/> into the send buffer, with the current ACK and window.</summary>
    private void SendSegment(byte flags, uint seq, int offset, int length)
    {
        Packet p = Host.Simulation.Packets.Rent(length);
        if (length > 0)
        {
            sendBuffer.CopyOut(offset, p.Buffer.AsSpan(0, length));
        }

        if (State != TcpState.SynSent)
        {
            flags |= TcpFlags.Ack;
        }

        if ((flags & TcpFlags.Ack) != 0 && segmentsNotAcknowledged > 0)
        {
            segmentsNotAcknowledged = 0; // this segment carries the ACK
            CancelTimer(DelayedAckTimer);
        }

        p.Sequence = seq;
        p.Acknowledgment = (flags & TcpFlags.Ack) != 0 ? rcvNxt : 0;
        p.TcpFlags = flags;
        p.Window = ReceiveWindow;
        lastAdvertisedWindow = p.Window;
        Stack.Transmit(p, RouteToPeer(), LocalPort, RemoteAddress!, RemotePort);
    }

    private RouteDecision routed;
    private IPAddress? routedFrom;
    private IPAddress? routedTo;
    private int routedVersion = -1;

    /// <summary>
    /// The route decision for this connection's segments, decided again only when the topology
    /// changed (<see cref="Simulation.TopologyVersion"/>) or the addresses did, as UDP sockets do.
    /// </summary>
    private RouteDecision RouteToPeer()
    {
        int version = Host.Simulation.TopologyVersion;
        IPAddress from = LocalAddress!;
        IPAddress to = RemoteAddress!;
        if (version != routedVersion || !ReferenceEquals(from, routedFrom) || !ReferenceEquals(to, routedTo))
        {
            routed = Host.Route(to, from, 0);
            routedFrom = from;
            routedTo = to;
            routedVersion = version;
        }

        return routed;
    }

    /// <summary>Sends new data as far as the peer's window, Nagle and our buffer allow, then the FIN once everything is out.</summary>
    private void TrySendData()
    {
        if (!TcpStateMachine.IsSynchronized(State) || finSent || State == TcpState.TimeWait)
        {
            return;
        }

        while (true)
        {
            int inFlight = (int)(sndNxt - sndUna);
            int unsent = sendBuffer.Count - inFlight;
            int room = sndWnd - inFlight;
            if (unsent > 0 && room > 0)
            {
                int n = Math.Min(Math.Min(mss, unsent), room);
                bool small = n < mss;
                // Nagle: one small segment in flight at a time; and no silly window: wait for a full segment of window.
                if (small && inFlight > 0 && ((!NoDelay && n == unsent && !finQueued) || n < unsent))
                {
                    break;
                }

                bool endStream = false;
                if (Host.Simulation.StreamFaults is { IsEmpty: false } faults && (n = faults.Take(this, n, out endStream)) == 0 && !endStream)
                {
                    break; // a stream fault holds the data back and wakes us when it may go
                }

                if (n > 0)
                {
                    if (!timing)
                    {
                        timing = true;
                        timedSequence = sndNxt + (uint)n;
                        timedSince = Host.Simulation.Clock.NowTicks;
                    }

                    SendSegment(n == unsent ? TcpFlags.Psh : (byte)0, sndNxt, inFlight, n);
                    sndNxt += (uint)n;
                    ArmRetransmitIfIdle();
                }

                if (endStream)
                {
                    EndStreamByFault();
                }

                continue;
            }

            if (unsent == 0 && finQueued && Host.Simulation.StreamFaults is { IsEmpty: false } finFaults && finFaults.HoldsFin(this))
            {
                break; // a stall or slow close holds the FIN back
            }

            if (unsent == 0 && finQueued)
            {
                finSent = true;
                finSequence = sndNxt;
                SendControl(TcpFlags.Fin, sndNxt);
                sndNxt++;
                ArmRetransmitIfIdle();
            }
            else if (unsent > 0 && sndWnd == 0 && inFlight == 0)
            {
                ArmPersist();
            }

            break;
        }
    }

    /// <summary>Sends the oldest unacknowledged segment again (RTO, fast retransmit, or a partial ACK).</summary>
    private void RetransmitFirst()
    {
        timing = false;
        int dataInFlight = (int)(sndNxt - sndUna) - (finSent ? 1 : 0);
        int n = Math.Min(mss, Math.Min(dataInFlight, sendBuffer.Count));
        bool withFin = finSent && sndUna + (uint)n == finSequence;
        if (n > 0 || withFin)
        {
            SendSegment(withFin ? TcpFlags.Fin : (byte)0, sndUna, 0, n);
        }
    }

    private void SampleRtt(uint ack)
    {
        if (!timing || Before(ack, timedSequence))
        {
            return;
        }

        timing = false;
        long r = Host.Simulation.Clock.NowTicks - timedSince;
        if (srtt < 0)
        {
            srtt = r;
            rttvar = r / 2;
        }
        else
        {
            rttvar = (3 * rttvar + Math.Abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
    }

    /// <summary>After the owner read: tell the peer when the window has opened enough to matter (receiver-side silly window avoidance).</summary>
    private void AfterRead()
    {
        if (!TcpStateMachine.IsSynchronized(State) || finReceived)
        {
            return;
        }

        int window = ReceiveWindow;
        if ((lastAdvertisedWindow < mss && window >= mss) || window - lastAdvertisedWindow >= receiveBuffer.Capacity / 2 || (lastAdvertisedWindow == 0 && window > 0))
        {
            SendAck();
        }
    }

    // ---------------------------------------------------------------- timers

    private void ArmRetransmit() => Arm(RetransmitTimer, CurrentRto);

    private void ArmRetransmitIfIdle()
    {
        if (!IsArmed(RetransmitTimer))
        {
            ArmRetransmit();
        }
    }

    private long PersistInterval => Math.Min(BaseRto << Math.Min(persistBackoff, 30), Stack.MaxRto.Ticks);

    /// <summary>
    /// Whether the zero-window probes can end no wait: the peer's connection is there, up, and its
    /// receive window is still shut. A peer that read since its last answer (and whose window update was
    /// lost or held back) will open the window on the next probe, so the probe is real work then.
    /// </summary>
    bool IHousekeeper.IsFutile
    {
        get
        {
            if (sndWnd > 0 || sendBuffer.Count == 0 || RemoteAddress is null || LocalAddress is null)
            {
                return true; // the timer will find nothing to do when it fires
            }

            IReadOnlyList<Host> hosts = Host.Simulation.Hosts;
            for (int i = 0; i < hosts.Count; i++)
            {
                Host h = hosts[i];
                if (h.IsUp && h.FindAdapterOwning(AddressRules.Unmap(RemoteAddress)) is not null && h.Tcp is TcpStack stack)
                {
                    TcpEndpoint? peer = stack.Find(RemoteAddress, RemotePort, LocalAddress, LocalPort)
                        ?? stack.Find(AddressRules.Unmap(RemoteAddress), RemotePort, AddressRules.Unmap(LocalAddress), LocalPort);
                    return peer is not null && peer.ReceiveWindow == 0;
                }
            }

            return false; // no peer: unanswered probes will end the connection
        }
    }

    /// <summary>
    /// Arms the zero-window probe. Once a probe was sent (backoff above 0) and the peer answered every
    /// one since (no unanswered probe), the probes alone can go on forever, as on Linux: the timer is then
    /// housekeeping (<see cref="SimNet.Kernel.TimerEntry.Housekeeper"/>), so a wait that only it could end is
    /// reported as a deadlock instead of spinning.
    /// </summary>
    private void ArmPersist()
    {
        timers ??= NewTimers();
        CancelTimer(PersistTimer); // the housekeeping mark changes only while disarmed
        timers[PersistTimer].Housekeeper = persistBackoff > 0 && persistProbes == 0 ? this : null;
        Arm(PersistTimer, PersistInterval);
    }

    private void ArmLinger(TimeSpan after) => Arm(LingerTimer, after.Ticks);

    private void ArmKeepAlive(TimeSpan after) => Arm(KeepAliveTimer, after.Ticks);

    /// <summary>Timer <paramref name="kind"/> fell due (it is disarmed now; the handlers re-arm what continues).</summary>
    private void OnTimer(int kind)
    {
        switch (kind)
        {
            case RetransmitTimer:
                OnRetransmitTimeout();
                break;
            case PersistTimer:
                OnPersistTimeout();
                break;
            case LingerTimer:
                OnLingerTimeout();
                break;
            case KeepAliveTimer:
                OnKeepAliveTimeout();
                break;
            case DelayedAckTimer:
                if (segmentsNotAcknowledged > 0 && TcpStateMachine.IsSynchronized(State))
                {
                    SendAck();
                }

                break;
        }
    }

    private void OnRetransmitTimeout()
    {
        if (State == TcpState.Closed)
        {
            return;
        }

        retries++;
        backoff++;
        switch (State)
        {
            case TcpState.SynSent:
                if (retries > Stack.SynRetries)
                {
                    Move(TcpEvent.Abort);
                    Finish(SocketError.TimedOut);
                    return;
                }

                SendControl(TcpFlags.Syn, iss);
                break;
            case TcpState.SynReceived:
                if (retries > Stack.SynAckRetries)
                {
                    Move(TcpEvent.Abort);
                    Finish(SocketError.TimedOut);
                    return;
                }

                SendControl(TcpFlags.Syn | TcpFlags.Ack, iss);
                break;
            default:
                if (sndUna == sndNxt)
                {
                    return;
                }

                if (retries > Stack.DataRetries)
                {
                    Move(TcpEvent.Abort);
                    Finish(SocketError.TimedOut);
                    return;
                }

                recovering = true;
                recoveryPoint = sndNxt;
                duplicateAcks = 0;
                RetransmitFirst();
                break;
        }

        ArmRetransmit();
    }

    private void OnPersistTimeout()
    {
        if (!TcpStateMachine.IsSynchronized(State) || sndWnd > 0 || sendBuffer.Count == 0)
        {
            return;
        }

        if (++persistProbes > Stack.DataRetries)
        {
            Move(TcpEvent.Abort);
            Finish(SocketError.TimedOut);
            return;
        }

        SendControl(0, sndNxt - 1); // an old sequence number: the peer must answer with its window
        persistBackoff++;
        ArmPersist();
    }

    private void OnLingerTimeout()
    {
        if (State == TcpState.TimeWait)
        {
            Move(TcpEvent.TimeWaitExpired);
            Finish(SocketError.Success);
        }
        else if (State == TcpState.FinWait2 && Orphaned)
        {
            Move(TcpEvent.Abort);
            Finish(SocketError.Success);
        }
    }

    private void OnKeepAliveTimeout()
    {
        if (!keepAlive || !TcpStateMachine.IsSynchronized(State) || State == TcpState.TimeWait)
        {
            return;
        }

        long idle = Host.Simulation.Clock.NowTicks - lastHeardTicks;
        if (keepAliveProbes == 0 && idle < Stack.KeepAliveTime.Ticks)
        {
            ArmKeepAlive(TimeSpan.FromTicks(Stack.KeepAliveTime.Ticks - idle));
            return;
        }

        if (++keepAliveProbes > Stack.KeepAliveProbes)
        {
            Move(TcpEvent.Abort);
            Finish(SocketError.TimedOut);
            return;
        }

        SendControl(0, sndNxt - 1);
        ArmKeepAlive(Stack.KeepAliveInterval);
    }
}
