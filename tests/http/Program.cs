namespace SimNet.Http.Tests;

/// <summary>Entry point of the second process in the cross-process determinism test.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 2 && args[0] == "hash")
        {
            Console.WriteLine(Scenarios.ConcurrentChaos.Hash(long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)).ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
            return 0;
        }

        Console.Error.WriteLine("usage: SimNet.Http.Tests hash <seed>");
        return 2;
    }
}
