using System.Net.Sockets;
using SimNet.Ip;
using SimNet.Tracing;

namespace SimNet.Transport.Tcp;

/// <summary>Segment arrival: the RFC 9293 "SEGMENT ARRIVES" rules, simplified where SimNet has no options.</summary>
internal sealed partial class TcpEndpoint
{
    private uint irs;
    private uint rcvNxt;
    private bool finReceived;

    /// <summary>The listener this connection came from, until it is accepted.</summary>
    internal TcpEndpoint? Parent { get; private set; }

    /// <summary>The receive window we can offer: free space in the receive buffer.</summary>
    private int ReceiveWindow => receiveBuffer.Free;

    // ---------------------------------------------------------------- listener

    /// <summary>A segment for a listener's port that no connection claimed.</summary>
    internal void OnSegmentAtListener(Packet p)
    {
        Simulation sim = Host.Simulation;
        byte flags = p.TcpFlags;
        if ((flags & TcpFlags.Rst) != 0)
        {
            sim.Drop(p, Host, p.ArrivedOn, DropReason.NoConnection);
            return;
        }

        if ((flags & TcpFlags.Ack) != 0 || (flags & TcpFlags.Syn) == 0)
        {
            Stack.Refuse(p, DropReason.NoConnection);
            return;
        }

        // Linux drops the SYN when the accept queue is full; the client's SYN retries may get in later.
        if (acceptQueue.Count + halfOpen.Count > Backlog)
        {
            sim.Drop(p, Host, p.ArrivedOn, DropReason.ListenQueueFull);
            return;
        }

        var child = new TcpEndpoint(Stack, Family)
        {
            DualMode = DualMode,
            NoDelay = NoDelay,
            keepAlive = keepAlive,
            LingerEnabled = LingerEnabled,
            LingerSeconds = LingerSeconds,
            Parent = this,
        };
        child.sendBuffer.Resize(SendBufferSize);
        child.receiveBuffer.Resize(ReceiveBufferSize);
        child.LocalAddress = p.Destination;
        child.LocalPort = LocalPort;
        child.RemoteAddress = p.Source;
        child.RemotePort = p.SourcePort;
        child.mss = child.MssFor(Host.Route(p.Source, p.Destination, 0));
        child.irs = p.Sequence;
        child.rcvNxt = p.Sequence + 1;
        child.iss = child.NewInitialSequence();
        child.sndUna = child.iss;
        child.sndNxt = child.iss + 1;
        child.sndWnd = p.Window;
        child.sndWl1 = p.Sequence;
        child.sndWl2 = child.iss;
        child.Move(TcpEvent.ReceiveSyn);
        halfOpen.Add(child);
        Stack.Register(child);
        child.SendControl(TcpFlags.Syn | TcpFlags.Ack, child.iss);
        child.ArmRetransmit();
        sim.Deliver(p, Host, 1);
        sim.Packets.Return(p);
    }

    /// <summary>A child finished its handshake: it waits in the accept queue.</summary>
    private void OnChildEstablished(TcpEndpoint child)
    {
        halfOpen.Remove(child);
        acceptQueue.Add(child);
        WakeWaiters();
    }

    /// <summary>A child ended before being accepted.</summary>
    private void ForgetChild(TcpEndpoint child)
    {
        if (child.WasConnected)
        {
            return; // it stays in the accept queue; accept returns it and its reads report the error
        }

        halfOpen.Remove(child);
        child.Parent = null;
    }

    // ---------------------------------------------------------------- connection

    /// <summary>A segment for this connection's address and port pair.</summary>
    internal void OnSegment(Packet p)
    {
        if (State == TcpState.SynSent)
        {
            OnSegmentInSynSent(p);
            return;
        }

        Simulation sim = Host.Simulation;
        byte flags = p.TcpFlags;
        bool syn = (flags & TcpFlags.Syn) != 0;
        bool fin = (flags & TcpFlags.Fin) != 0;
        uint seq = p.Sequence;
        if (State == TcpState.TimeWait && syn && (flags & (TcpFlags.Ack | TcpFlags.Rst)) == 0 && Before(rcvNxt, seq))
        {
            // A new connection reusing this address pair with a higher sequence number: TIME_WAIT gives way (Linux TCP_TW_SYN).
            Move(TcpEvent.TimeWaitExpired);
            Finish(SocketError.Success);
            Stack.Deliver(p);
            return;
        }

        uint length = (uint)p.Length + (syn ? 1u : 0u) + (fin ? 1u : 0u);
        lastHeardTicks = sim.Clock.NowTicks;
        keepAliveProbes = 0;
        if (persistProbes > 0)
        {
            persistProbes = 0; // the peer is alive, even if its window stays shut
            if (p.Window == 0)
            {
                // It answered the probe and keeps the window shut: from here on the probes alone can
                // go on forever (as on Linux), so they no longer count as something that may end a wait.
                ArmPersist();
            }
        }

        if (!IsAcceptable(seq, length))
        {
            if ((flags & TcpFlags.Rst) == 0)
            {
                if (State == TcpState.SynReceived && (flags & TcpFlags.Ack) == 0)
                {
                    SendControl(TcpFlags.Syn | TcpFlags.Ack, iss); // our SYN-ACK was lost: the peer repeats its SYN
                }
                else
                {
                    SendAck();
                }

                if (State == TcpState.TimeWait && fin)
                {
                    ArmLinger(Stack.TimeWait); // a repeated FIN restarts TIME_WAIT (RFC 9293)
                }
            }

            sim.Drop(p, Host, p.ArrivedOn, DropReason.OutOfWindow);
            return;
        }

        if ((flags & TcpFlags.Rst) != 0)
        {
            sim.Deliver(p, Host, 1);
            sim.Packets.Return(p);
            OnReset();
            return;
        }

        if (syn || (flags & TcpFlags.Ack) == 0)
        {
            // A SYN inside the window of a synchronized connection gets a challenge ACK (RFC 5961); a segment without ACK is ignored.
            SendAck();
            sim.Drop(p, Host, p.ArrivedOn, DropReason.OutOfWindow);
            return;
        }

        if (!OnAck(p))
        {
            return; // dropped or the connection ended
        }

        bool keep = false;
        bool redundant = false;
        bool ack = false;
        bool ackNow = false;
        if (p.Length > 0)
        {
            ack = true;
            if (State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)
            {
                if (Orphaned)
                {
                    // Data for a socket its owner closed: Linux answers with RST (TCPAbortOnData).
                    sim.Deliver(p, Host, 1);
                    sim.Packets.Return(p);
                    Abort(SocketError.Success, sendReset: true);
                    return;
                }

                uint expected = rcvNxt;
                keep = TakeData(p, out redundant);

                // Out of order, filling a hole, or old bytes again: acknowledge at once so the sender learns (duplicate ACKs).
                ackNow = keep || seq != expected || outOfOrder.Count > 0;
            }
            else
            {
                ackNow = true;
            }
        }

        if (fin)
        {
            if (!keep && seq + (uint)p.Length == rcvNxt)
            {
                OnFin();
            }

            ack = true;
            ackNow = true;
        }

        if (ack)
        {
            AcknowledgeData(ackNow);
        }

        if (redundant)
        {
            sim.Drop(p, Host, p.ArrivedOn, DropReason.OutOfWindow); // a copy of a segment already held out of order
        }
        else
        {
            sim.Deliver(p, Host, 1);
            if (!keep)
            {
                sim.Packets.Return(p);
            }
        }

        TrySendData();
        WakeWaiters();
    }

    /// <summary>RFC 9293's acceptability test: does any of the segment fall in the receive window?</summary>
    private bool IsAcceptable(uint seq, uint length)
    {
        uint window = (uint)ReceiveWindow;
        if (length == 0)
        {
            return window == 0 ? seq == rcvNxt : InWindow(seq, rcvNxt, window);
        }

        return window != 0 && (InWindow(seq, rcvNxt, window) || InWindow(seq + length - 1, rcvNxt, window));
    }

    private static bool InWindow(uint x, uint start, uint size) => x - start < size;

    private static bool Before(uint a, uint b) => (int)(a - b) < 0;

    private static bool AtOrBefore(uint a, uint b) => (int)(a - b) <= 0;

    private void OnSegmentInSynSent(Packet p)
    {
        Simulation sim = Host.Simulation;
        byte flags = p.TcpFlags;
        bool hasAck = (flags & TcpFlags.Ack) != 0;
        if (hasAck && p.Acknowledgment != iss + 1)
        {
            if ((flags & TcpFlags.Rst) == 0)
            {
                Stack.SendReset(LocalAddress!, LocalPort, RemoteAddress!, RemotePort, p.Acknowledgment, 0, TcpFlags.Rst);
            }

            sim.Drop(p, Host, p.ArrivedOn, DropReason.OutOfWindow);
            return;
        }

        if ((flags & TcpFlags.Rst) != 0)
        {
            if (hasAck)
            {
                sim.Deliver(p, Host, 1);
                sim.Packets.Return(p);
                OnReset();
            }
            else
            {
                sim.Drop(p, Host, p.ArrivedOn, DropReason.OutOfWindow);
            }

            return;
        }

        if ((flags & TcpFlags.Syn) == 0)
        {
            sim.Drop(p, Host, p.ArrivedOn, DropReason.OutOfWindow);
            return;
        }

        irs = p.Sequence;
        rcvNxt = p.Sequence + 1;
        sndWnd = p.Window;
        sndWl1 = p.Sequence;
        sndWl2 = p.Acknowledgment;
        lastHeardTicks = sim.Clock.NowTicks;
        if (hasAck)
        {
            SampleRtt(p.Acknowledgment);
            sndUna = p.Acknowledgment;
            retries = 0;
            CancelTimer(RetransmitTimer);
            Move(TcpEvent.ReceiveSynAck);
            SendAck();
        }
        else
        {
            Move(TcpEvent.ReceiveSyn); // simultaneous open: both sides sent SYN
            SendControl(TcpFlags.Syn | TcpFlags.Ack, iss);
        }

        sim.Deliver(p, Host, 1);
        sim.Packets.Return(p);
        TrySendData();
        WakeWaiters();
    }

    /// <summary>The peer reset the connection; what the owner sees depends on the state (Linux tcp_reset).</summary>
    private void OnReset()
    {
        SocketError error = State switch
        {
            TcpState.SynSent => SocketError.ConnectionRefused,
            TcpState.CloseWait => SocketError.Shutdown, // EPIPE: the peer had already finished
            TcpState.SynReceived when Parent is not null => SocketError.Success, // a half-open child just goes away
            TcpState.TimeWait or TcpState.LastAck or TcpState.Closing => SocketError.Success,
            _ => SocketError.ConnectionReset,
        };
        Move(TcpEvent.Abort);
        Finish(error);
    }

    /// <summary>ACK processing; returns false when the segment was consumed (dropped, or the connection ended).</summary>
    private bool OnAck(Packet p)
    {
        Simulation sim = Host.Simulation;
        uint ack = p.Acknowledgment;
        if (State == TcpState.SynReceived)
        {
            if (!(Before(sndUna, ack) && AtOrBefore(ack, sndNxt)))
            {
                Stack.Refuse(p, DropReason.OutOfWindow);
                return false;
            }

            SampleRtt(ack);
            sndUna = ack;
            retries = 0;
            CancelTimer(RetransmitTimer);
            sndWnd = p.Window;
            sndWl1 = p.Sequence;
            sndWl2 = ack;
            Move(TcpEvent.ReceiveAckOfSyn);
            Parent?.OnChildEstablished(this);
        }

        if (Before(sndNxt, ack))
        {
            SendAck(); // acknowledges something never sent
            sim.Drop(p, Host, p.ArrivedOn, DropReason.OutOfWindow);
            return false;
        }

        bool finAcked = false;
        if (Before(sndUna, ack))
        {
            uint acked = ack - sndUna;
            finAcked = finSent && ack == finSequence + 1;
            int dataAcked = (int)Math.Min(acked - (finAcked ? 1u : 0u), (uint)sendBuffer.Count);
            sendBuffer.Discard(dataAcked);
            SampleRtt(ack);
            sndUna = ack;
            retries = 0;
            backoff = 0;
            duplicateAcks = 0;
            if (sndUna == sndNxt)
            {
                CancelTimer(RetransmitTimer);
                recovering = false;
            }
            else
            {
                ArmRetransmit();
                if (recovering && Before(sndUna, recoveryPoint))
                {
                    RetransmitFirst(); // a partial ACK in recovery: the next hole is lost too
                }
                else
                {
                    recovering = false;
                }
            }
        }
        else if (ack == sndUna && p.Length == 0 && (p.TcpFlags & TcpFlags.Fin) == 0 && p.Window == sndWnd && sndUna != sndNxt)
        {
            if (++duplicateAcks == 3 && !recovering)
            {
                recovering = true;
                recoveryPoint = sndNxt;
                RetransmitFirst(); // fast retransmit
            }
        }

        if (Before(sndWl1, p.Sequence) || (sndWl1 == p.Sequence && AtOrBefore(sndWl2, ack)))
        {
            sndWnd = p.Window;
            sndWl1 = p.Sequence;
            sndWl2 = ack;
            if (sndWnd > 0)
            {
                persistBackoff = 0;
                CancelTimer(PersistTimer);
            }
        }

        if (finAcked)
        {
            switch (State)
            {
                case TcpState.FinWait1:
                case TcpState.Closing:
                    Move(TcpEvent.ReceiveAckOfFin);
                    break;
                case TcpState.LastAck:
                    Move(TcpEvent.ReceiveAckOfFin);
                    sim.Deliver(p, Host, 1);
                    sim.Packets.Return(p);
                    Finish(SocketError.Success);
                    return false;
            }
        }

        return true;
    }

    /// <summary>Takes the segment's data: in order into the receive buffer, ahead of a hole into the out-of-order list. Returns true when the packet was kept.</summary>
    private bool TakeData(Packet p, out bool redundant)
    {
        redundant = false;
        uint seq = p.Sequence;
        int skip = Before(seq, rcvNxt) ? (int)(rcvNxt - seq) : 0;
        uint windowEnd = rcvNxt + (uint)ReceiveWindow;
        int end = p.Length;
        if (Before(windowEnd, seq + (uint)end))
        {
            end = (int)(windowEnd - seq);
            p.TcpFlags &= unchecked((byte)~TcpFlags.Fin); // the FIN lies beyond the window
        }

        if (end <= skip)
        {
            return false;
        }

        if (skip > 0 || seq == rcvNxt)
        {
            receiveBuffer.Write(p.Payload[skip..end]);
            rcvNxt = seq + (uint)end;
            DrainOutOfOrder();
            return false;
        }

        p.Length = end;
        int i = outOfOrder.Count;
        while (i > 0 && Before(seq, outOfOrder[i - 1].Sequence))
        {
            i--;
        }

        if (i > 0 && outOfOrder[i - 1].Sequence == seq && outOfOrder[i - 1].Length >= end)
        {
            redundant = true; // already held
            return false;
        }

        outOfOrder.Insert(i, p);
        return true;
    }

    /// <summary>Moves segments that now follow <see cref="rcvNxt"/> into the receive buffer, and a FIN that is now in order.</summary>
    private void DrainOutOfOrder()
    {
        while (outOfOrder.Count > 0 && AtOrBefore(outOfOrder[0].Sequence, rcvNxt))
        {
            Packet q = outOfOrder[0];
            outOfOrder.RemoveAt(0);
            uint end = q.Sequence + (uint)q.Length;
            if (Before(rcvNxt, end))
            {
                receiveBuffer.Write(q.Payload[(int)(rcvNxt - q.Sequence)..]);
                rcvNxt = end;
            }

            bool fin = (q.TcpFlags & TcpFlags.Fin) != 0 && end == rcvNxt;
            Host.Simulation.Packets.Return(q);
            if (fin)
            {
                OnFin();
                return;
            }
        }
    }

    private void OnFin()
    {
        if (finReceived)
        {
            return;
        }

        finReceived = true;
        rcvNxt++;
        foreach (Packet q in outOfOrder)
        {
            Host.Simulation.Packets.Return(q);
        }

        outOfOrder.Clear();
        Move(TcpEvent.ReceiveFin);
    }
}
