if (args.Length > 0 && args[0] == "scale")
{
    ScalingHarness.Run(args[1..]);
}
else if (args.Length > 0 && args[0] == "cache-run")
{
    CacheRun.Run(args[1..]);
}
else if (args.Length > 0 && args[0] == "io-alloc")
{
    AsyncIoAllocation.Run(args[1..]);
}
else
{
    BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

public partial class Program {}
