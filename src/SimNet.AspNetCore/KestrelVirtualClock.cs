using System.IO.Pipelines;
using Microsoft.AspNetCore.Hosting.Server;

namespace SimNet.AspNetCore;

/// <summary>
/// Puts one Kestrel server's clock on the simulation's virtual clock: the time its connections' timeouts
/// read, the Date header, and the heartbeat that checks both, which here beats once a virtual second
/// (on the simulation's thread) while a simulated connection is open, instead of on a wall-clock thread.
/// </summary>
/// <remarks>
/// Kestrel keeps all of this internal. <see cref="KestrelInternals"/> reaches it by name; see docs/http.md
/// for the list of what is reached, and of what stays on wall time.
/// </remarks>
internal sealed class KestrelVirtualClock : IDisposable
{
    private readonly TimeProvider clock;
    private readonly SimNetConnectionListenerFactory transport;
    private readonly Lock gate = new();
    private object? heartbeat;
    private ITimer? beating;
    private bool disposed;

    public KestrelVirtualClock(TimeProvider clock, SimNetConnectionListenerFactory transport)
    {
        this.clock = clock;
        this.transport = transport;
        transport.BusyChanged += OnBusyChanged;
    }

    /// <summary>True once a server has been attached and its clock, scheduler and heartbeat replaced.</summary>
    public bool Attached => heartbeat is not null;

    /// <summary>Beats so far (for tests and diagnostics).</summary>
    public long Beats { get; private set; }

    /// <summary>
    /// Rewires <paramref name="server"/> (Kestrel's KestrelServerImpl) before it starts.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server is not the Kestrel this package was built against.</exception>
    public void Attach(IServer server)
    {
        if (server.GetType().FullName != "Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerImpl")
        {
            throw new InvalidOperationException(
                $"UseSimNet puts Kestrel's clock on virtual time, but the registered server is {server.GetType().FullName}, not Kestrel's KestrelServerImpl.");
        }

        try
        {
            object context = KestrelInternals.GetServiceContext(server);
            object beat = KestrelInternals.GetHeartbeat(context)
                ?? throw new InvalidOperationException("Kestrel's ServiceContext has no Heartbeat to put on virtual time.");
            KestrelInternals.SetTimeProvider(context, clock);
            KestrelInternals.SetScheduler(context, PipeScheduler.Inline);
            KestrelInternals.HeartbeatClock(beat) = clock;
            KestrelInternals.DateHeaderClock(KestrelInternals.GetDateHeaderValueManager(context)) = clock;

            // Null keeps KestrelServerImpl.StartAsync from starting the wall-clock heartbeat thread;
            // the beats come from OnBusyChanged's virtual timer instead.
            KestrelInternals.SetHeartbeat(context, null);
            heartbeat = beat;
        }
        catch (Exception e) when (e is MissingMemberException or MissingMethodException or MissingFieldException or TypeLoadException)
        {
            throw new InvalidOperationException(
                $"SimNet.AspNetCore reaches Kestrel's internal clock by name and was built against ASP.NET Core 10.0; " +
                $"this shared framework ({typeof(IServer).Assembly.GetName().Version}) no longer has {e.Message}", e);
        }
    }

    private void OnBusyChanged(bool busy)
    {
        lock (gate)
        {
            if (heartbeat is null || disposed)
            {
                return;
            }

            if (busy)
            {
                // A beat at once so the Date header is now's, then one a virtual second, as Kestrel's Heartbeat.Interval.
                Beat();
                beating ??= clock.CreateTimer(static s => ((KestrelVirtualClock)s!).Beat(), this, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            }
            else
            {
                beating?.Dispose();
                beating = null;
            }
        }
    }

    private void Beat()
    {
        object? beat = heartbeat;
        if (beat is null || disposed)
        {
            return;
        }

        Beats++;
        KestrelInternals.OnHeartbeat(beat);
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            transport.BusyChanged -= OnBusyChanged;
            beating?.Dispose();
            beating = null;
        }
    }
}
