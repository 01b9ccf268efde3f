using System.Net;
using System.Net.Sockets;
using SimNet.Transport.Tcp;

namespace SimNet.Sockets;

/// <summary>Poll: readiness in virtual time.</summary>
public sealed partial class Socket
{
    /// <summary>Waits up to <paramref name="microSeconds"/> of virtual time (-1 forever) for the socket to be readable, writable or in error.</summary>
    public bool Poll(int microSeconds, SelectMode mode)
    {
        ThrowIfDisposed();
        long deadline = microSeconds < 0 ? long.MaxValue : sim.Clock.NowTicks + (microSeconds * (TimeSpan.TicksPerMillisecond / 1000));
        if (tcp is not null)
        {
            return StreamPoll(mode, deadline);
        }

        return mode switch
        {
            SelectMode.SelectWrite => true,
            // POLLIN only: a pending ICMP error sets POLLERR, which Poll(SelectRead) does not count (measured).
            SelectMode.SelectRead => PollFor(static s => s.disposed || s.udp!.QueuedCount > 0 || s.udp.ShutdownReceive, deadline),
            SelectMode.SelectError => PollFor(static s => s.udp!.PendingError != SocketError.Success, deadline),
            _ => PollForNothing(deadline),
        };
    }

    /// <summary>Waits up to <paramref name="timeout"/> of virtual time for the socket to be readable, writable or in error.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or more than <see cref="int.MaxValue"/> microseconds, as the runtime checks.</exception>
    public bool Poll(TimeSpan timeout, SelectMode mode) => Poll(ToTimeoutMicroseconds(timeout), mode);

    /// <summary>The runtime's conversion: -1 for infinite, else whole microseconds within [0, int.MaxValue].</summary>
    private static int ToTimeoutMicroseconds(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return -1;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        long microseconds = timeout.Ticks / TimeSpan.TicksPerMicrosecond;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(microseconds, int.MaxValue, nameof(timeout));
        return (int)microseconds;
    }

    /// <summary>
    /// An unknown <see cref="SelectMode"/>: the runtime asks poll(2) for no event, so the call waits its
    /// timeout and returns false (measured with a zero timeout; an infinite one is a deadlock report here).
    /// </summary>
    private bool PollForNothing(long deadline) => PollFor(static _ => false, deadline);

    private bool PollFor(Func<Socket, bool> condition, long deadline)
    {
        if (deadline == sim.Clock.NowTicks)
        {
            return core.Read(this, condition);
        }

        return sim.WaitUntil(condition, this, deadline, static s => $"a Poll on {s}");
    }

    private bool StreamPollCondition(SelectMode mode) => mode switch
    {
        // Linux tcp_poll: a closed socket (never connected, or over) reports POLLHUP, which .NET counts as readable.
        SelectMode.SelectRead => disposed || (Tcp.IsListening ? Tcp.AcceptQueueLength > 0 : Tcp.IsReadable || Tcp.State == TcpState.Closed),
        // Linux tcp_poll: writable unless listening or mid-handshake; a closed socket (never connected, or its connection over) polls writable too.
        SelectMode.SelectWrite => !Tcp.IsListening && Tcp.ConnectFinished && (Tcp.State == TcpState.Closed || Tcp.IsWritable),
        _ => Tcp.PendingError != SocketError.Success,
    };

    private bool StreamPoll(SelectMode mode, long deadline)
    {
        if (mode is not (SelectMode.SelectRead or SelectMode.SelectWrite or SelectMode.SelectError))
        {
            return PollForNothing(deadline);
        }

        (bool answered, bool ready) = core.Read((this, mode, deadline), static s =>
        {
            s.Item1.StreamConfirmPending(); // the runtime's event loop has finished a non-blocking connect by now (and taken a failure's error)
            return s.deadline == s.Item1.sim.Clock.NowTicks || s.Item1.StreamPollCondition(s.mode) ? (true, s.Item1.StreamPollCondition(s.mode)) : (false, false);
        });
        if (answered)
        {
            return ready;
        }

        return sim.WaitUntil(s => s.StreamPollCondition(mode), this, deadline, static s => $"a Poll on {s.Tcp.Describe()}");
    }
}
