using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SimNet.Http.Tests.Support;
using SimNet.WebService;
using Xunit;

namespace SimNet.Http.Tests;

public class HttpClientTests
{
    [Fact]
    public void H2c_request_with_prior_knowledge_is_answered_over_http2()
    {
        var world = new HttpWorld(11);
        world.Sim.Run(world.Client, async () =>
        {
            await using WebApplication app = HttpWorld.BuildApp(world.Server, a => a.MapGet("/v", (HttpContext c) => c.Request.Protocol));
            await app.StartAsync();
            using HttpClient client = SimNetHttp.CreateClient(world.Client);
            using var request = new HttpRequestMessage(HttpMethod.Get, "http://api.sim:81/v") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
            using HttpResponseMessage response = await client.SendAsync(request);
            Assert.Equal(HttpVersion.Version20, response.Version);
            Assert.Equal("HTTP/2", await response.Content.ReadAsStringAsync());
            await app.StopAsync();
        });
    }

    [Fact]
    public void Client_timeout_runs_on_virtual_time_and_reports_TimeoutException_inside_TaskCanceledException()
    {
        var world = new HttpWorld(12);
        world.Sim.Run(world.Client, async () =>
        {
            await using WebApplication app = HttpWorld.BuildApp(world.Server, a => a.MapGet("/slow", async (TimeProvider clock, CancellationToken aborted) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(300), clock, aborted);
                return "late";
            }));
            await app.StartAsync();
            using HttpClient client = SimNetHttp.CreateClient(world.Client, TimeSpan.FromSeconds(10));
            DateTimeOffset from = world.Sim.Clock.GetUtcNow();
            var e = await Assert.ThrowsAsync<TaskCanceledException>(() => client.GetStringAsync("http://api.sim/slow"));
            Assert.IsType<TimeoutException>(e.InnerException);
            Assert.Equal(TimeSpan.FromSeconds(10), world.Sim.Clock.GetUtcNow() - from);
            await app.StopAsync();
        });
    }

    [Fact]
    public void Caller_cancellation_stays_a_plain_cancellation()
    {
        var world = new HttpWorld(13);
        world.Sim.Run(world.Client, async () =>
        {
            await using WebApplication app = HttpWorld.BuildApp(world.Server, a => a.MapGet("/slow", async (TimeProvider clock, CancellationToken aborted) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(300), clock, aborted);
                return "late";
            }));
            await app.StartAsync();
            using HttpClient client = SimNetHttp.CreateClient(world.Client, TimeSpan.FromSeconds(100));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3), world.Sim.Clock);
            var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetStringAsync("http://api.sim/slow", cts.Token));
            Assert.IsNotType<TimeoutException>(e.InnerException);
            Assert.Equal(cts.Token, e.CancellationToken);
            await app.StopAsync();
        });
    }

    [Fact]
    public void Unknown_name_fails_with_the_HostNotFound_socket_error_inside_HttpRequestException()
    {
        var world = new HttpWorld(14);
        world.Sim.Run(world.Client, async () =>
        {
            using HttpClient client = SimNetHttp.CreateClient(world.Client);
            var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetStringAsync("http://nowhere.sim/"));
            var socketError = Assert.IsType<System.Net.Sockets.SocketException>(e.InnerException);
            Assert.Equal(System.Net.Sockets.SocketError.HostNotFound, socketError.SocketErrorCode);
            Assert.Equal(HttpRequestError.NameResolutionError, e.HttpRequestError);
        });
    }

    [Fact]
    public void Timeout_must_be_positive_or_infinite()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new VirtualTimeoutHandler(TimeProvider.System, TimeSpan.Zero));
        Assert.Equal("timeout", e.ParamName);
    }
}
