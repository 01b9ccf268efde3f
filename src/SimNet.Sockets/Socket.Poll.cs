using System.Net.Sockets;

namespace SimNet.Sockets;

/// <summary>Poll: readiness in virtual time.</summary>
public sealed partial class Socket
{
    /// <summary>Waits up to <paramref name="microSeconds"/> of virtual time (-1 forever) for the socket to be readable, writable or in error.</summary>
    public bool Poll(int microSeconds, SelectMode mode)
    {
        ThrowIfDisposed();
        long deadline = microSeconds < 0 ? long.MaxValue : sim.Clock.NowTicks + (microSeconds * (TimeSpan.TicksPerMillisecond / 1000));
        return protocol.Poll(mode, deadline);
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
    private bool PollForNothing(long deadline) => PollFor(static _ => false, this, deadline);

    /// <summary>Answers at once for a zero timeout, else waits in virtual time until <paramref name="condition"/> holds or the deadline passes.</summary>
    private bool PollFor<TState>(Func<TState, bool> condition, TState state, long deadline)
        where TState : notnull
    {
        if (deadline == sim.Clock.NowTicks)
        {
            return core.Read(state, condition);
        }

        return sim.WaitUntil(condition, state, deadline, static s => $"a Poll on {s}");
    }
}
