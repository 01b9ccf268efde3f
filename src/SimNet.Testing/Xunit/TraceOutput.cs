using SimNet.Tracing;
using Xunit.Abstractions;

namespace SimNet.Testing;

/// <summary>Routes a simulation's trace into xunit's test output.</summary>
public static class TraceOutput
{
    /// <summary>
    /// Writes every trace event of <paramref name="simulation"/> to <paramref name="output"/> as it is recorded, one
    /// line each (<see cref="TraceEvent.ToString"/>), until the returned handle is disposed.
    /// </summary>
    /// <example><code>
    /// public class MyTests(ITestOutputHelper output)
    /// {
    ///     [Fact]
    ///     public void Echo()
    ///     {
    ///         var sim = new Simulation(1);
    ///         using var _ = sim.WriteTraceTo(output);
    ///         ...
    ///     }
    /// }
    /// </code></example>
    public static IDisposable WriteTraceTo(this Simulation simulation, ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(simulation);
        ArgumentNullException.ThrowIfNull(output);
        return new Subscription(simulation.Trace, e => output.WriteLine(e.ToString()));
    }

    private sealed class Subscription : IDisposable
    {
        private readonly Trace trace;
        private readonly Action<TraceEvent> handler;

        public Subscription(Trace trace, Action<TraceEvent> handler)
        {
            this.trace = trace;
            this.handler = handler;
            trace.Recorded += handler;
        }

        public void Dispose() => trace.Recorded -= handler;
    }
}
