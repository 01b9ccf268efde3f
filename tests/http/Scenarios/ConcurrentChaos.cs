namespace SimNet.Http.Tests.Scenarios;

internal static class ConcurrentChaos
{
    public static ulong Hash(long seed) => throw new NotImplementedException("written below");
}
