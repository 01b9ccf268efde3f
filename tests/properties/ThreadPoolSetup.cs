using System.Runtime.CompilerServices;

namespace SimNet.Properties;

/// <summary>
/// A simulation's driver blocks its thread while it waits for the simulation's own thread-pool work
/// (issue 9), and xunit runs test classes in parallel, some on pool threads. On a 2-core machine the
/// pool starts with 2 threads and adds more only slowly under starvation, so a test whose pool item
/// cannot start for seconds would look like a deadlock. Tests that drive simulations concurrently
/// should give the pool room to start at once, as this does for the whole assembly.
/// </summary>
internal static class ThreadPoolSetup
{
    [ModuleInitializer]
    internal static void GiveThePoolRoom()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
