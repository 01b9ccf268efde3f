using System.Globalization;
using DatagramSocketChat;
using SimNet.Tracing;

// Usage: DatagramSocketChat [--seed N] [message ...]
long seed = 7;
var messages = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--seed" && i + 1 < args.Length)
    {
        seed = long.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else
    {
        messages.Add(args[i]);
    }
}

if (messages.Count == 0)
{
    messages.AddRange(new[] { "hello bob", "how is the LAN today?", "bye" });
}

ChatResult result = ChatDemo.Run(seed, messages: messages, log: Console.Out);
var trace = result.Sim.Trace;
Console.WriteLine();
Console.WriteLine($"seed {seed}: {trace.Count(TraceKind.Send)} sent, {trace.Count(TraceKind.Copy)} copies, {trace.Count(TraceKind.Deliver)} delivered, {trace.Count(TraceKind.Drop)} dropped");
foreach (DropReason reason in Enum.GetValues<DropReason>())
{
    if (trace.Dropped(reason) > 0)
    {
        Console.WriteLine($"  dropped ({reason}): {trace.Dropped(reason)}");
    }
}

Console.WriteLine($"trace hash {trace.Hash:x16} (replay: dotnet run --project samples/DatagramSocketChat -- --seed {seed})");
