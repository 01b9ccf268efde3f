using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SimNet.Topology;

namespace SimNet.AspNetCore;

/// <summary>Runs an ASP.NET Core app's Kestrel on a simulated host.</summary>
public static class SimNetWebHostBuilderExtensions
{
    /// <summary>
    /// Makes Kestrel listen on <paramref name="host"/>'s simulated endpoints instead of real sockets, puts
    /// Kestrel's clock (connection timeouts, heartbeat, Date header) on the simulation's virtual clock, and
    /// registers the simulation's <see cref="Simulation.Clock"/> as the app's <see cref="TimeProvider"/>.
    /// </summary>
    /// <remarks>
    /// Configure the endpoints as usual (<c>ConfigureKestrel(k =&gt; k.ListenAnyIP(80))</c> or URLs); they are
    /// bound on the simulated host. The real socket transport and QUIC are removed, so nothing real is opened.
    /// Kestrel still hands each new connection (and each HTTP/2 stream) to the thread pool; this turns on the
    /// simulation's <see cref="Simulation.OrderedThreadPool"/>, so those items run one at a time in the order
    /// Kestrel queued them and the app replays exactly (docs/http.md).
    /// </remarks>
    public static IWebHostBuilder UseSimNet(this IWebHostBuilder builder, Host host)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(host);
        host.Simulation.OrderedThreadPool = true; // Kestrel's hops to the pool (connections, HTTP/2 streams) run one at a time, in order
        builder.UseKestrel();
        builder.ConfigureServices(services =>
        {
            var transport = new SimNetConnectionListenerFactory(host);
            services.RemoveAll<IConnectionListenerFactory>();
            services.RemoveAll<IMultiplexedConnectionListenerFactory>();
            services.AddSingleton<IConnectionListenerFactory>(transport);
            services.AddSingleton(transport);
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(host.Simulation.Clock);
            services.AddSingleton(host);
            services.AddSingleton(sp => new KestrelVirtualClock(host.Simulation.Clock, transport));

            ServiceDescriptor? server = null;
            foreach (ServiceDescriptor d in services)
            {
                if (d.ServiceType == typeof(IServer))
                {
                    server = d;
                }
            }

            if (server?.ImplementationType is not Type kestrel)
            {
                throw new InvalidOperationException("UseSimNet needs Kestrel as the app's server; another IServer is registered.");
            }

            services.RemoveAll<IServer>();
            services.AddSingleton<IServer>(sp =>
            {
                var instance = (IServer)ActivatorUtilities.CreateInstance(sp, kestrel);
                sp.GetRequiredService<KestrelVirtualClock>().Attach(instance);
                return instance;
            });
        });
        return builder;
    }
}
