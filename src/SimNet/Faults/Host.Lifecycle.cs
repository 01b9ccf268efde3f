using System.Net.Sockets;
using SimNet.Faults;
using SimNet.Transport;

namespace SimNet.Topology;

/// <summary>A host's life: the software it runs, crash and restart, and its own clock.</summary>
public sealed partial class Host
{
    // A host's life is kept aside, made when first needed: most hosts of a large world never run software or
    // read their own clock, and these fields in the host itself pushed the fields every datagram reads onto
    // another cache line (see the field order in Host.cs).
    private LifeState? life;

    private LifeState Life => life ??= new LifeState();

    /// <summary>The host's own view of time, with its skew and drift; pass it to the host's code as its <see cref="TimeProvider"/>.</summary>
    public HostClock Clock
    {
        get
        {
            lock (Simulation.Gate)
            {
                return Life.Clock ??= new HostClock(Simulation);
            }
        }
    }

    /// <summary>How many times the host's software has been started (1 after the first start, 2 after a restart, ...).</summary>
    public int Boots => life?.Boots ?? 0;

    /// <summary>The task of the software's current run, or null when no software was started.</summary>
    public Task? SoftwareTask => life?.SoftwareTask;

    /// <summary>The exception the software's last run failed with, when it failed on its own (not because the host crashed).</summary>
    public Exception? SoftwareFault => life?.SoftwareFault;

    /// <summary>Cancelled when the host crashes: the token of the software's current run.</summary>
    public CancellationToken Lifetime => life?.Lifetime?.Token ?? CancellationToken.None;

    /// <summary>
    /// Starts <paramref name="entry"/> as this host's software, on the simulation's thread, with this host
    /// current. A crash cancels its token and closes its sockets; <see cref="Restart"/> runs it again from scratch.
    /// </summary>
    /// <exception cref="InvalidOperationException">The host already has software, or is down.</exception>
    public void Start(Func<Host, CancellationToken, Task> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (Simulation.Gate)
        {
            if (life?.Software is not null)
            {
                throw new InvalidOperationException($"{Name} already runs software.");
            }

            if (!IsUp)
            {
                throw new InvalidOperationException($"{Name} is down; restart it first.");
            }

            Life.Software = entry;
            Boot();
        }
    }

    /// <summary>
    /// Crashes the host: it stops answering (packets to it are dropped as <see cref="Tracing.DropReason.HostDown"/>,
    /// so peers hear silence), every socket vanishes without a word to its peers, and its software is cancelled.
    /// </summary>
    /// <exception cref="InvalidOperationException">The host is already down.</exception>
    public void Crash()
    {
        lock (Simulation.Gate)
        {
            if (!IsUp)
            {
                throw new InvalidOperationException($"{Name} is already down.");
            }

            IsUp = false;
            UdpEndpoint[] sockets = Udp.Bound.ToArray();
            foreach (UdpEndpoint s in sockets)
            {
                s.Close(SocketError.OperationAborted);
            }

            (Tcp as ICrashable)?.Crash();
            life?.Lifetime?.Cancel();
        }
    }

    /// <summary>Brings a crashed host back up and runs its software again from scratch, with fresh sockets and ports.</summary>
    /// <exception cref="InvalidOperationException">The host is up.</exception>
    public void Restart()
    {
        lock (Simulation.Gate)
        {
            if (IsUp)
            {
                throw new InvalidOperationException($"{Name} is up; crash it first.");
            }

            IsUp = true;
            if (life?.Software is not null)
            {
                Boot();
            }
        }
    }

    private void Boot()
    {
        LifeState state = Life;
        var cts = new CancellationTokenSource();
        state.Lifetime?.Dispose();
        state.Lifetime = cts;
        state.Boots++;
        Func<Host, CancellationToken, Task> entry = state.Software!;
        Task run = Simulation.Spawn(this, () => entry(this, cts.Token));
        state.SoftwareTask = run;
        run.ContinueWith(
            t =>
            {
                // A run the crash ended is expected to fail (closed sockets, cancelled token).
                if (t.IsFaulted && !cts.IsCancellationRequested)
                {
                    state.SoftwareFault = t.Exception!.InnerException;
                }
                else
                {
                    _ = t.Exception;
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>The software, its current run and token, the boot count and the host's clock.</summary>
    private sealed class LifeState
    {
        public Func<Host, CancellationToken, Task>? Software;
        public CancellationTokenSource? Lifetime;
        public HostClock? Clock;
        public int Boots;
        public Task? SoftwareTask;
        public Exception? SoftwareFault;
    }
}
