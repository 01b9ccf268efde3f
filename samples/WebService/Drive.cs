using System.Diagnostics;
using SimNet.Topology;

namespace SimNet.WebService;

/// <summary>
/// A stand-in for <c>host.Run</c> until issue 9 lands (SimNet's driver then waits for the thread pool itself): like <see cref="Simulation.Run(Func{Task})"/>, but before each step it waits
/// for the thread pool to have no queued and no running work beyond what was running when it started, so
/// Kestrel's and HttpClient's hops to the thread pool come back before the clock moves. Issue 9 makes
/// plain <c>sim.Run</c> do this; then every call here becomes <c>sim.Run</c>.
/// </summary>
public static class Drive
{
    private static readonly TimeSpan MaxPoolWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(1);

    public static void Run(Simulation sim, Func<Task> entry) => Run(sim, null, entry);

    public static void Run(Simulation sim, Host? host, Func<Task> entry)
    {
        // The entry's own exception, with its stack (Spawn's task keeps only "canceled" for a cancellation).
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        Task task = sim.Spawn(host, async () =>
        {
            try
            {
                await entry();
            }
            catch (Exception e)
            {
                failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
        });
        // Pool threads busy for good (this thread when it is one, a test host blocked in a synchronous wait)
        // count in the baseline; it only falls, when one of them is seen idle.
        int baseline = BusyPoolThreads();
        long completed = ThreadPool.CompletedWorkItemCount;
        while (!task.IsCompleted)
        {
            WaitForPool(ref baseline, ref completed);
            if (sim.Step())
            {
                continue;
            }

            // Nothing ready and nothing scheduled: work on the thread pool may still post back.
            long start = Stopwatch.GetTimestamp();
            bool stepped = false;
            while (!task.IsCompleted && Stopwatch.GetElapsedTime(start) < TimeSpan.FromMilliseconds(200))
            {
                WaitForPool(ref baseline, ref completed);
                if (sim.Step())
                {
                    stepped = true;
                    break;
                }

                Thread.Sleep(1);
            }

            if (!stepped && !task.IsCompleted)
            {
                throw new TimeoutException("Deadlock: the entry task waits for something nothing in the simulation or on the thread pool will bring.");
            }
        }

        task.GetAwaiter().GetResult();
        failure?.Throw();
    }

    public static T Run<T>(Simulation sim, Host? host, Func<Task<T>> entry)
    {
        T result = default!;
        Run(sim, host, async () => { result = await entry(); });
        return result;
    }

    private static int BusyPoolThreads()
    {
        ThreadPool.GetMaxThreads(out int max, out _);
        ThreadPool.GetAvailableThreads(out int available, out _);
        return max - available;
    }

    /// <summary>
    /// Returns when the pool is at rest: nothing queued, no more busy threads than the baseline, and no work
    /// item finished since the last look; after any activity, only once it has stayed at rest for a
    /// millisecond, so work that started and parked between two looks has posted back first.
    /// </summary>
    private static void WaitForPool(ref int baseline, ref long completed)
    {
        int busy = BusyPoolThreads();
        long done = ThreadPool.CompletedWorkItemCount;
        if (ThreadPool.PendingWorkItemCount == 0 && busy <= baseline && done == completed)
        {
            baseline = busy;
            return;
        }

        long start = Stopwatch.GetTimestamp();
        long quietSince = start;
        var spin = default(SpinWait);
        while (Stopwatch.GetElapsedTime(start) < MaxPoolWait)
        {
            busy = BusyPoolThreads();
            done = ThreadPool.CompletedWorkItemCount;
            if (ThreadPool.PendingWorkItemCount > 0 || busy > baseline || done != completed)
            {
                completed = done;
                quietSince = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(quietSince) >= QuietWindow)
            {
                baseline = busy;
                return;
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}
