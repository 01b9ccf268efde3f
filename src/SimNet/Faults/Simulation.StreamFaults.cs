using SimNet.Faults;
using SimNet.Topology;
using SimNet.Transport.Tcp;

namespace SimNet;

/// <summary>
/// The stream fault verbs (Toxiproxy's slicer, timeout/stall, limit_data, reset_peer, slow_close) on the TCP
/// connections between two hosts, optionally only those using one port. Each acts on the data the sending
/// host's TCP puts on the wire; schedule them with <see cref="At"/> or <see cref="After"/> like the other faults.
/// </summary>
public sealed partial class Simulation
{
    private StreamFaultPlan? streamFaults;

    /// <summary>The stream faults in force; null while none ever was (the TCP output path then checks nothing else).</summary>
    internal StreamFaultPlan? StreamFaults => streamFaults;

    /// <summary>
    /// Splits what <paramref name="from"/> writes to <paramref name="to"/> into segments of <paramref name="minBytes"/> to
    /// <paramref name="maxBytes"/> payload bytes (each size drawn from the seed), with <paramref name="delay"/> of virtual
    /// time after each, so the reader sees partial reads (Toxiproxy's slicer).
    /// </summary>
    /// <param name="from">The writing host.</param>
    /// <param name="to">The reading host.</param>
    /// <param name="minBytes">The smallest slice, at least 1.</param>
    /// <param name="maxBytes">The largest slice, at least <paramref name="minBytes"/>.</param>
    /// <param name="delay">The pause after each slice.</param>
    /// <param name="bothWays">Also slice what <paramref name="to"/> writes to <paramref name="from"/>.</param>
    /// <param name="port">When not 0, only connections with this port at either end (a server's port: "connections to host:port").</param>
    /// <returns>The fault; <see cref="StreamFault.Lift"/> ends it.</returns>
    public StreamFault SliceStreams(Host from, Host to, int minBytes, int maxBytes, TimeSpan delay, bool bothWays = false, int port = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, minBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBytes, int.MaxValue - 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return AddStreamFault(from, to, bothWays, port, (f, t) => new StreamFault(this, StreamFaultKind.Slice, f, t, bothWays, port)
        {
            MinBytes = minBytes,
            MaxBytes = maxBytes,
            DelayTicks = delay.Ticks,
        });
    }

    /// <summary>
    /// Stops the data (and FIN) <paramref name="from"/> sends to <paramref name="to"/> while the connections stay established:
    /// no RST, no FIN, ACKs and keep-alives still answered. The writer's data waits in its send buffer (writes block once it
    /// is full) and goes, in order, when the fault is lifted. Segments already sent still arrive.
    /// </summary>
    /// <param name="from">The host whose sending stops.</param>
    /// <param name="to">Its peer.</param>
    /// <param name="bothWays">Stop both directions.</param>
    /// <param name="port">When not 0, only connections with this port at either end.</param>
    /// <returns>The fault; <see cref="StreamFault.Lift"/> ends it.</returns>
    public StreamFault StallStreams(Host from, Host to, bool bothWays = false, int port = 0) =>
        AddStreamFault(from, to, bothWays, port, (f, t) => new StreamFault(this, StreamFaultKind.Stall, f, t, bothWays, port));

    /// <summary>
    /// After <paramref name="bytes"/> payload bytes from <paramref name="from"/> to <paramref name="to"/> on a connection
    /// (counted from when the fault first sees it), that side sends its FIN: the reader gets exactly those bytes, then 0.
    /// Bytes written beyond the limit are discarded, and the writer's later writes fail <c>Shutdown</c> (EPIPE), as after
    /// its own shutdown (Toxiproxy's limit_data).
    /// </summary>
    /// <param name="from">The writing host.</param>
    /// <param name="to">The reading host.</param>
    /// <param name="bytes">The byte limit, 0 or more.</param>
    /// <param name="bothWays">Limit both directions, each on its own count.</param>
    /// <param name="port">When not 0, only connections with this port at either end.</param>
    /// <returns>The fault; <see cref="StreamFault.Lift"/> ends it.</returns>
    public StreamFault CloseStreamsAfter(Host from, Host to, long bytes, bool bothWays = false, int port = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return AddStreamFault(from, to, bothWays, port, (f, t) => new StreamFault(this, StreamFaultKind.CloseAfter, f, t, bothWays, port) { Limit = bytes });
    }

    /// <summary>
    /// Delays the FIN <paramref name="from"/> sends to <paramref name="to"/> by <paramref name="delay"/> of virtual time,
    /// counted from when it would have gone (its data all sent), so the reader's 0 comes that much later (Toxiproxy's slow_close).
    /// </summary>
    /// <param name="from">The closing host.</param>
    /// <param name="to">The reading host.</param>
    /// <param name="delay">How long the FIN waits.</param>
    /// <param name="bothWays">Delay both sides' FINs.</param>
    /// <param name="port">When not 0, only connections with this port at either end.</param>
    /// <returns>The fault; <see cref="StreamFault.Lift"/> ends it (a waiting FIN goes at once).</returns>
    public StreamFault SlowCloseStreams(Host from, Host to, TimeSpan delay, bool bothWays = false, int port = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return AddStreamFault(from, to, bothWays, port, (f, t) => new StreamFault(this, StreamFaultKind.SlowClose, f, t, bothWays, port) { DelayTicks = delay.Ticks });
    }

    /// <summary>
    /// Resets every synchronized TCP connection between <paramref name="a"/> and <paramref name="b"/> after <paramref name="after"/>
    /// (now by default), as a middlebox that kills a connection does (Toxiproxy's reset_peer): each end is sent a RST carrying its
    /// peer's next sequence number, from the peer's address, over the network. Both applications then see <c>ConnectionReset</c>
    /// as Linux reports it (the next receive fails, later ones return 0). It acts on the connections open when it fires, once.
    /// </summary>
    /// <param name="a">One host.</param>
    /// <param name="b">The other.</param>
    /// <param name="after">Virtual time until the reset.</param>
    /// <param name="port">When not 0, only connections with this port at either end.</param>
    public void ResetStreams(Host a, Host b, TimeSpan after = default, int port = 0)
    {
        Own(a, nameof(a));
        Own(b, nameof(b));
        ArgumentOutOfRangeException.ThrowIfLessThan(after, TimeSpan.Zero);
        if (after > TimeSpan.Zero)
        {
            Schedule(after, () => ResetNow(a, b, port));
        }
        else
        {
            lock (Gate)
            {
                ResetNow(a, b, port);
            }
        }
    }

    /// <summary>Ends every stream fault (held data and FINs go at once).</summary>
    public void LiftStreamFaults()
    {
        lock (Gate)
        {
            streamFaults?.RemoveAll(_ => true);
        }
    }

    /// <summary>Ends every stream fault between <paramref name="a"/> and <paramref name="b"/>, in either direction.</summary>
    public void LiftStreamFaults(Host a, Host b)
    {
        lock (Gate)
        {
            streamFaults?.RemoveAll(f => (f.From == a && f.To == b) || (f.From == b && f.To == a));
        }
    }

    private StreamFault AddStreamFault(Host from, Host to, bool bothWays, int port, Func<Host, Host, StreamFault> make)
    {
        Own(from, nameof(from));
        Own(to, nameof(to));
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        StreamFault fault = make(from, to);
        lock (Gate)
        {
            (streamFaults ??= new StreamFaultPlan()).Add(fault);
        }

        return fault;
    }

    private static void ResetNow(Host a, Host b, int port)
    {
        if (a.Tcp is not TcpStack mine)
        {
            return;
        }

        foreach (TcpEndpoint e in mine.ConnectionsInOrder())
        {
            if (StreamFault.Covers(a, b, bothWays: false, port, e) && e.CanResetByFault)
            {
                TcpEndpoint? peer = (b.Tcp as TcpStack)?.Find(e.RemoteAddress!, e.RemotePort, e.LocalAddress!, e.LocalPort);
                e.SendResetByFault();
                if (peer is { CanResetByFault: true })
                {
                    peer.SendResetByFault();
                }
            }
        }
    }
}
