using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SimNet.AspNetCore;
using SimNet.Names;
using SimNet.Topology;

namespace SimNet.Http.Tests.Support;

/// <summary>One LAN: a client, a server "api" (api.sim., also orders.sim. by CNAME) and a DNS server.</summary>
internal sealed class HttpWorld
{
    public HttpWorld(long seed, LinkConditions? link = null)
    {
        Sim = new Simulation(seed);
        Segment lan = Sim.AddSegment("lan");
        if (link is not null)
        {
            Sim.SetLink(lan, link);
        }

        Ns = Sim.AddHost("ns");
        Ns.AddAdapter("eth0", lan, "10.0.0.53/24");
        Server = Sim.AddHost("api");
        Server.AddAdapter("eth0", lan, "10.0.0.10/24");
        Client = Sim.AddHost("client");
        Client.AddAdapter("eth0", lan, "10.0.0.20/24");
        Dns = DnsServer.Start(Ns);
        Dns.Zone.Add(DnsRecord.Cname("orders.sim.", "api.sim.", TimeSpan.FromMinutes(5)));
        Dns.UseForAllHosts();
    }

    public Simulation Sim { get; }

    /// <summary>An app with a few HTTP endpoints and the gRPC Greeter on <paramref name="host"/> (HTTP/1.1 on 80, h2c on 81).</summary>
    public static WebApplication BuildGreeterApp(Host host) => BuildApp(
        host,
        app =>
        {
            app.MapGrpcService<GreeterService>();
            app.MapGet("/work/{ms:int}", async (int ms, TimeProvider clock, CancellationToken aborted) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(ms), clock, aborted);
                return $"worked {ms} ms";
            });
        },
        services => services.AddGrpc());

    /// <summary>
    /// Runs <see cref="BuildGreeterApp"/> as <paramref name="host"/>'s software: it starts with the host and
    /// restarts with it; a crash stops it at once (ungracefully, as a power cut would).
    /// </summary>
    public static void RunGreeterAsSoftware(Host host) => host.Start(async (h, lifetime) =>
    {
        WebApplication app = BuildGreeterApp(h);
        await app.StartAsync(CancellationToken.None);
        try
        {
            await Task.Delay(Timeout.Infinite, lifetime);
        }
        finally
        {
            await app.StopAsync(new CancellationToken(canceled: true));
            await app.DisposeAsync();
        }
    });

    public Host Ns { get; }

    public Host Server { get; }

    public Host Client { get; }

    public DnsServer Dns { get; }

    /// <summary>A minimal-API app on <paramref name="host"/>, port 80, HTTP/1.1 and h2c (prior knowledge) on separate ports 80 and 81.</summary>
    public static WebApplication BuildApp(Host host, Action<WebApplication> map, Action<IServiceCollection>? services = null, Action<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>? kestrel = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseSimNet(host);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.ListenAnyIP(80, o => o.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1);
            k.ListenAnyIP(81, o => o.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
            kestrel?.Invoke(k);
        });
        builder.Services.AddRouting();
        services?.Invoke(builder.Services);
        WebApplication app = builder.Build();
        map(app);
        return app;
    }
}
