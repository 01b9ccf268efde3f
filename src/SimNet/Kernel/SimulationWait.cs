namespace SimNet.Kernel;

/// <summary>
/// Something waiting on the simulation (an async receive, a TCP wait): registered while pending so a
/// deadlock report can name it. The registry is an intrusive list, so registering and finishing
/// cost O(1) and allocate nothing, however many operations are pending.
/// </summary>
internal abstract class SimulationWait
{
    internal SimulationWait? PreviousWait;
    internal SimulationWait? NextWait;
    internal bool IsRegistered;

    /// <summary>The <see cref="Simulation.Run(Func{Task})"/> call this wait was registered in (0: none).</summary>
    internal long RunGeneration;

    /// <summary>What is waiting, in a user's words (called only for a report).</summary>
    public abstract string DescribeWait();

    /// <summary>The task the user awaits for this wait, if any (lets a report match an awaited task to its wait).</summary>
    public virtual Task? WaitTask => null;
}
