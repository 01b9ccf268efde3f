namespace SimNet;

/// <summary>
/// Thrown when code waits for something that can never happen: nothing is ready to run, no event is
/// scheduled and no code of the simulation is busy on another thread. A real program would hang;
/// SimNet says what was waiting instead.
/// </summary>
/// <remarks>
/// It is deliberately not a <see cref="System.Net.Sockets.SocketException"/>: a deadlock is a bug in
/// the test or the code under test, and a retry loop written for socket timeouts
/// (<c>catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)</c>) must not
/// swallow it. A socket timeout the code asked for (<c>ReceiveTimeout</c>) is still a
/// <c>SocketException</c>, as on a real network.
/// </remarks>
public sealed class SimulationDeadlockException : Exception
{
    /// <summary>Creates the exception with a description of what was waiting.</summary>
    public SimulationDeadlockException(string waiting)
        : this(waiting, TimeSpan.Zero)
    {
    }

    /// <summary>Creates the exception with a description of what was waiting and the virtual time it was found at.</summary>
    public SimulationDeadlockException(string waiting, TimeSpan at)
        : base($"The simulation is stuck at {at} of virtual time: nothing is ready to run, no event is scheduled and no code of the simulation is busy elsewhere, so this wait can never end. Waiting:{Environment.NewLine}  - {waiting}")
    {
        Waiting = waiting;
        At = at;
    }

    /// <summary>What was waiting when the simulation ran out of events, one item a line.</summary>
    public string Waiting { get; }

    /// <summary>The virtual time (since the simulation's start) at which the deadlock was found.</summary>
    public TimeSpan At { get; }
}
