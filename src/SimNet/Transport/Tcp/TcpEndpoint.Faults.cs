namespace SimNet.Transport.Tcp;

/// <summary>What the stream faults (<c>Faults/StreamFault.cs</c>) may ask of a connection; they never reach further in.</summary>
internal sealed partial class TcpEndpoint
{
    /// <summary>Whether a fault's RST makes sense: the connection is synchronized and not yet in TIME_WAIT.</summary>
    internal bool CanResetByFault => TcpStateMachine.IsSynchronized(State) && State != TcpState.TimeWait;

    /// <summary>A stream fault let go: send what the windows allow now.</summary>
    internal void ResumeSending()
    {
        if (State != TcpState.Closed)
        {
            TrySendData();
        }
    }

    /// <summary>
    /// Sends the RST this end would send on an abort (its next sequence number, acknowledging what it has), without
    /// changing its own state: a fault resetting the connection sends one from each end, and each end then meets its
    /// peer's RST through the ordinary input path.
    /// </summary>
    internal void SendResetByFault() =>
        Stack.SendReset(LocalAddress!, LocalPort, RemoteAddress!, RemotePort, sndNxt, rcvNxt, TcpFlags.Rst | TcpFlags.Ack);

    /// <summary>A byte limit was reached: what is not yet sent is discarded and the FIN follows what was (as after SHUT_WR).</summary>
    private void EndStreamByFault()
    {
        sendBuffer.DiscardTail(sendBuffer.Count - (int)(sndNxt - sndUna));
        if (!finQueued)
        {
            finQueued = true;
            Move(TcpEvent.Close);
        }
    }
}
