using System.Runtime.InteropServices;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>), beside wall time: on a machine
/// shared with other work, wall time includes the time this thread waited for a core, CPU time does not,
/// so it is the steadier figure under load (it still pays for caches the neighbours evict).
/// Elsewhere than Linux it reads the process's processor time instead.
/// </summary>
internal static class CpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec value);

    /// <summary>This thread's CPU time so far.</summary>
    public static TimeSpan ThreadNow()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ClockThreadCpuTimeId, out TimeSpec t) == 0)
        {
            return TimeSpan.FromTicks((t.Seconds * TimeSpan.TicksPerSecond) + (t.Nanoseconds / 100));
        }

        return System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    }

    /// <summary>The whole process's CPU time so far (all threads: for cases that use more than one, like real loopback).</summary>
    public static TimeSpan ProcessNow() => System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
}
