using System.Globalization;
using SimNet;
using SimNet.Tracing;
using UdpChat;

// Usage: UdpChat [--seed N] [--hash-only]
long seed = 42;
bool hashOnly = false;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--seed" && i + 1 < args.Length)
    {
        seed = long.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--hash-only")
    {
        hashOnly = true;
    }
}

Simulation sim = Demo.Run(seed, hashOnly ? TextWriter.Null : Console.Out);
if (hashOnly)
{
    Console.WriteLine(sim.Trace.Hash.ToString("x16", CultureInfo.InvariantCulture));
    return;
}

Console.WriteLine();
Console.WriteLine($"seed {seed}: {sim.Trace.Count(TraceKind.Send)} sent, {sim.Trace.Count(TraceKind.Copy)} copies, " +
    $"{sim.Trace.Count(TraceKind.Forward)} forwarded, {sim.Trace.Count(TraceKind.Deliver)} delivered, {sim.Trace.Count(TraceKind.Drop)} dropped");
foreach (DropReason reason in Enum.GetValues<DropReason>())
{
    if (sim.Trace.Dropped(reason) > 0)
    {
        Console.WriteLine($"  dropped ({reason}): {sim.Trace.Dropped(reason)}");
    }
}

Console.WriteLine($"trace hash {sim.Trace.Hash:x16} (the same for seed {seed} in every process; replay: dotnet run --project samples/UdpChat -- --seed {seed})");
