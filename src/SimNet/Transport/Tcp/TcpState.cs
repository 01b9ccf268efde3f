namespace SimNet.Transport.Tcp;

/// <summary>The states of one TCP connection (RFC 9293, section 3.3.2).</summary>
internal enum TcpState
{
    Closed,
    Listen,
    SynSent,
    SynReceived,
    Established,
    FinWait1,
    FinWait2,
    CloseWait,
    Closing,
    LastAck,
    TimeWait,
}

/// <summary>What moves a connection from one state to the next: a user call, an arriving segment, or a timer.</summary>
internal enum TcpEvent
{
    /// <summary>The application calls connect: a SYN goes out.</summary>
    ActiveOpen,

    /// <summary>The application calls listen.</summary>
    PassiveOpen,

    /// <summary>A SYN reached a listener, which made a new connection for it (or a SYN crossed ours: simultaneous open).</summary>
    ReceiveSyn,

    /// <summary>A SYN-ACK acknowledging our SYN arrived.</summary>
    ReceiveSynAck,

    /// <summary>The ACK of our SYN-ACK arrived.</summary>
    ReceiveAckOfSyn,

    /// <summary>The application has nothing more to send: a FIN goes out after the buffered data.</summary>
    Close,

    /// <summary>The peer's FIN arrived in order.</summary>
    ReceiveFin,

    /// <summary>The ACK of our FIN arrived.</summary>
    ReceiveAckOfFin,

    /// <summary>The connection ends at once: RST sent or received, retransmissions exhausted, or an orphan's timer.</summary>
    Abort,

    /// <summary>TIME_WAIT's 2·MSL timer ran out.</summary>
    TimeWaitExpired,
}

/// <summary>TCP header flag bits, as on the wire.</summary>
internal static class TcpFlags
{
    public const byte Fin = 0x01;
    public const byte Syn = 0x02;
    public const byte Rst = 0x04;
    public const byte Psh = 0x08;
    public const byte Ack = 0x10;
}

/// <summary>
/// The TCP state diagram as one pure function, so the whole machine can be read (and tested) in one place.
/// The connection code decides which event happened; this decides where that leads.
/// </summary>
internal static class TcpStateMachine
{
    /// <summary>The state after <paramref name="e"/> in <paramref name="state"/>.</summary>
    /// <exception cref="InvalidOperationException">The event cannot happen in that state: a bug in the connection code.</exception>
    public static TcpState Next(TcpState state, TcpEvent e) => (state, e) switch
    {
        (_, TcpEvent.Abort) => TcpState.Closed,
        (TcpState.Closed, TcpEvent.ActiveOpen) => TcpState.SynSent,
        (TcpState.Closed, TcpEvent.PassiveOpen) => TcpState.Listen,
        (TcpState.Closed, TcpEvent.ReceiveSyn) => TcpState.SynReceived,
        (TcpState.SynSent, TcpEvent.ReceiveSyn) => TcpState.SynReceived,
        (TcpState.SynSent, TcpEvent.ReceiveSynAck) => TcpState.Established,
        (TcpState.SynReceived, TcpEvent.ReceiveAckOfSyn) => TcpState.Established,
        (TcpState.Listen or TcpState.SynSent, TcpEvent.Close) => TcpState.Closed,
        (TcpState.SynReceived or TcpState.Established, TcpEvent.Close) => TcpState.FinWait1,
        (TcpState.CloseWait, TcpEvent.Close) => TcpState.LastAck,
        (TcpState.SynReceived or TcpState.Established, TcpEvent.ReceiveFin) => TcpState.CloseWait,
        (TcpState.FinWait1, TcpEvent.ReceiveFin) => TcpState.Closing,
        (TcpState.FinWait2, TcpEvent.ReceiveFin) => TcpState.TimeWait,
        (TcpState.FinWait1, TcpEvent.ReceiveAckOfFin) => TcpState.FinWait2,
        (TcpState.Closing, TcpEvent.ReceiveAckOfFin) => TcpState.TimeWait,
        (TcpState.LastAck, TcpEvent.ReceiveAckOfFin) => TcpState.Closed,
        (TcpState.TimeWait, TcpEvent.TimeWaitExpired) => TcpState.Closed,
        _ => throw new InvalidOperationException($"TCP event {e} cannot happen in state {state}: a bug in SimNet's TCP."),
    };

    /// <summary>Whether both ends have exchanged SYNs (RFC 9293 "synchronized states").</summary>
    public static bool IsSynchronized(TcpState s) => s is not (TcpState.Closed or TcpState.Listen or TcpState.SynSent or TcpState.SynReceived);

    /// <summary>Whether our FIN has been queued (no more user data may be sent).</summary>
    public static bool HasSentFin(TcpState s) => s is TcpState.FinWait1 or TcpState.FinWait2 or TcpState.Closing or TcpState.LastAck or TcpState.TimeWait;

    /// <summary>Whether the peer's FIN has arrived (reads return 0 once the buffer is drained).</summary>
    public static bool HasReceivedFin(TcpState s) => s is TcpState.CloseWait or TcpState.Closing or TcpState.LastAck or TcpState.TimeWait;
}
