using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SimNet.Http.Tests.Support;
using SimNet.WebService;
using Xunit;

namespace SimNet.Http.Tests;

public class HttpBasicsTests
{
    [Fact]
    public void Http11_get_reaches_kestrel_on_the_simulated_host_by_dns_name()
    {
        var world = new HttpWorld(1);
        string body = world.Sim.Run(world.Client, async () =>
        {
            await using WebApplication app = HttpWorld.BuildApp(world.Server, a => a.MapGet("/hello", (HttpContext c) => $"hello {c.Connection.RemoteIpAddress}"));
            await app.StartAsync();
            using HttpClient client = SimNetHttp.CreateClient(world.Client);
            string text = await client.GetStringAsync("http://orders.sim/hello");
            await app.StopAsync();
            return text;
        });
        // ListenAnyIP binds a dual-mode IPv6 socket, so an IPv4 client shows as IPv4-mapped, as on real Kestrel.
        Assert.Equal("hello ::ffff:10.0.0.20", body);
    }
}
