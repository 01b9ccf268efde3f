using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using SimNet.AspNetCore;
using SimNet.Http;
using SimNet.Names;
using SimNet.Topology;

namespace SimNet.WebService;

/// <summary>A minimal API on a simulated host, found by DNS, called through a lossy link that breaks for a while.</summary>
public static class Demo
{
    public static string Run(long seed)
    {
        // --- sample: begin
        var sim = new Simulation(seed);
        Segment lan = sim.AddSegment("lan");
        sim.SetLink(lan, new LinkConditions { Latency = TimeSpan.FromMilliseconds(3), Jitter = TimeSpan.FromMilliseconds(2), LossRate = 0.01 });
        Host ns = sim.AddHost("ns");
        ns.AddAdapter("eth0", lan, "10.0.0.53/24");
        Host api = sim.AddHost("api");
        api.AddAdapter("eth0", lan, "10.0.0.10/24");
        Host client = sim.AddHost("client");
        client.AddAdapter("eth0", lan, "10.0.0.20/24");
        DnsServer dns = DnsServer.Start(ns);
        dns.Zone.Add(DnsRecord.Cname("orders.sim.", "api.sim.", TimeSpan.FromMinutes(5)));
        dns.UseForAllHosts();

        // The service: a real WebApplication whose Kestrel listens on the simulated host "api".
        api.Start(async (host, lifetime) =>
        {
            WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseSimNet(host); // transport, Kestrel's clock, and TimeProvider = sim.Clock
            builder.WebHost.ConfigureKestrel(k => k.ListenAnyIP(80));
            builder.Services.AddRouting();
            await using WebApplication app = builder.Build();
            app.MapGet("/orders/{id:int}", async (int id, TimeProvider clock) =>
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), clock); // 20 virtual ms of work
                return new { id, status = "shipped", at = clock.GetUtcNow() };
            });
            await app.StartAsync(CancellationToken.None);
            try
            {
                await Task.Delay(Timeout.Infinite, lifetime); // until the host crashes
            }
            finally
            {
                await app.StopAsync(new CancellationToken(canceled: true));
            }
        });

        // The network breaks between 1 s and 4 s of virtual time.
        sim.After(TimeSpan.FromSeconds(1), s => s.Partition(client, api));
        sim.After(TimeSpan.FromSeconds(4), s => s.Heal());

        var log = new List<string>();
        sim.Run(client, async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), sim.Clock); // let the service start listening
            using HttpClient http = SimNetHttp.CreateClient(client, timeout: TimeSpan.FromSeconds(2)); // virtual seconds
            for (int id = 1; id <= 4; id++)
            {
                while (true)
                {
                    try
                    {
                        string order = await http.GetStringAsync($"http://orders.sim/orders/{id}");
                        log.Add($"{sim.Clock.Elapsed.TotalSeconds,6:F3}s {order}");
                        break;
                    }
                    catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
                    {
                        log.Add($"{sim.Clock.Elapsed.TotalSeconds,6:F3}s order {id}: timed out, retrying");
                    }
                }

                await Task.Delay(TimeSpan.FromSeconds(1), sim.Clock);
            }
        });
        log.Add($"trace {sim.Trace.Hash:x16}: {sim.Trace.Count(SimNet.Tracing.TraceKind.Send)} packets sent, {sim.Trace.Count(SimNet.Tracing.TraceKind.Drop)} dropped");
        // --- sample: end
        return string.Join(Environment.NewLine, log);
    }
}
