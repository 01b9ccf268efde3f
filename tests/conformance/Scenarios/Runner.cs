using System.Reflection;

namespace SimNet.Conformance;

/// <summary>Runs a scenario of <see cref="Scenarios"/> on this assembly's stack and returns what it observed.</summary>
public static class Runner
{
    /// <summary>Every scenario, by name, in ordinal order.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(Scenarios)
        .GetMethods(BindingFlags.Public | BindingFlags.Static)
        .Select(m => m.Name)
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>Which stack this assembly was compiled against.</summary>
#if REAL
    public const string Stack = "real Linux loopback";
#else
    public const string Stack = "SimNet";
#endif

    /// <summary>Runs scenario <paramref name="name"/> and returns its observations.</summary>
    public static IReadOnlyList<string> Run(string name)
    {
        MethodInfo method = typeof(Scenarios).GetMethod(name, BindingFlags.Public | BindingFlags.Static)
            ?? throw new ArgumentException($"No scenario named {name}.", nameof(name));
        var lab = new Lab();
        Func<Task> body = () => method.Invoke(null, [lab]) as Task ?? Task.CompletedTask;
        try
        {
#if REAL
            // Real sockets: loopback only, and bounded: an overrun closes the sockets, which ends any blocked call.
            Task run = Task.Run(body);
            if (!run.Wait(TimeSpan.FromSeconds(10)))
            {
                lab.Note("scenario", "overran 10 s");
                lab.CloseAll();
            }
#else
            var sim = new Simulation(seed: 20261121);
            SimNet.Topology.Host host = sim.AddHost("h"); // loopback only: 127.0.0.0/8 and ::1, as the real side uses
            host.Run(body);
#endif
        }
        catch (Exception e)
        {
            lab.Threw("scenario", e);
        }
        finally
        {
            lab.CloseAll();
        }

        return lab.Lines;
    }
}
