using System.Net.Sockets;

namespace SimNet.Kernel;

/// <summary>
/// Thrown when code waits for something that can never happen: nothing is ready to run and
/// no event is scheduled. A real program would hang; SimNet says what was waiting instead.
/// </summary>
/// <remarks>
/// It derives from <see cref="SocketException"/> (error <see cref="SocketError.TimedOut"/>)
/// because the waits that end this way are socket calls, and code written for real sockets
/// already handles that type.
/// </remarks>
public sealed class SimulationDeadlockException : SocketException
{
    /// <summary>Creates the exception with a description of what was waiting.</summary>
    public SimulationDeadlockException(string waiting)
        : base((int)SocketError.TimedOut)
    {
        Waiting = waiting;
    }

    /// <summary>What was waiting when the simulation ran out of events.</summary>
    public string Waiting { get; }

    /// <inheritdoc />
    public override string Message =>
        "The simulation is idle: nothing is ready to run and no event is scheduled, so this wait can never end. Waiting: " + Waiting;
}
