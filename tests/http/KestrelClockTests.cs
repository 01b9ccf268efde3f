using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using SimNet.AspNetCore;
using SimNet.Http.Tests.Support;
using SimNet.WebService;
using Xunit;

namespace SimNet.Http.Tests;

/// <summary>Kestrel's own clock follows the simulation's: keep-alive, request headers timeout, heartbeat, Date.</summary>
public class KestrelClockTests
{
    [Fact]
    public void Kestrel_internals_reached_by_name_exist_in_this_shared_framework()
    {
        // The pin: SimNet.AspNetCore reaches these by name (KestrelInternals). A shared framework that renames or
        // removes one fails here, with the framework version in the message, instead of in a user's app.
        Version framework = typeof(IServer).Assembly.GetName().Version!;
        Assert.True(framework.Major == 10, $"SimNet.AspNetCore was built and tested against ASP.NET Core 10.0, this is {framework}");
        var world = new HttpWorld(7);
        world.Sim.Run(world.Server, async () =>
        {
            await using WebApplication app = HttpWorld.BuildApp(world.Server, a => a.MapGet("/", () => "ok"));
            var server = app.Services.GetRequiredService<IServer>();
            object context = KestrelInternals.GetServiceContext(server);
            Assert.Same(world.Sim.Clock, KestrelInternals.GetTimeProvider(context));
            Assert.Same(PipeScheduler.Inline, KestrelInternals.GetScheduler(context));
            Assert.Null(KestrelInternals.GetHeartbeat(context)); // the wall-clock thread never starts
            Assert.Same(world.Sim.Clock, KestrelInternals.DateHeaderClock(KestrelInternals.GetDateHeaderValueManager(context)));
            Assert.True(app.Services.GetRequiredService<KestrelVirtualClock>().Attached);
            Assert.Same(world.Sim.Clock, app.Services.GetRequiredService<TimeProvider>());
            await Task.CompletedTask;
        });
    }

    [Fact]
    public void Date_header_is_the_virtual_time_of_the_response()
    {
        var world = new HttpWorld(2);
        world.Sim.Run(world.Client, async () =>
        {
            await using WebApplication app = HttpWorld.BuildApp(world.Server, a => a.MapGet("/", () => "ok"));
            await app.StartAsync();
            await Task.Delay(TimeSpan.FromDays(3), world.Sim.Clock); // far from the wall clock's date, and from the epoch
            using HttpClient client = SimNetHttp.CreateClient(world.Client);
            using HttpResponseMessage response = await client.GetAsync("http://api.sim/");
            DateTimeOffset now = world.Sim.Clock.GetUtcNow();
            Assert.NotNull(response.Headers.Date);
            Assert.InRange(response.Headers.Date!.Value, now.AddSeconds(-1), now);
            await app.StopAsync();
        });
    }

    [Fact]
    public void Keep_alive_timeout_closes_an_idle_connection_after_that_much_virtual_time()
    {
        var world = new HttpWorld(3);
        world.Sim.Run(world.Client, async () =>
        {
            await using WebApplication app = HttpWorld.BuildApp(
                world.Server,
                a => a.MapGet("/", () => "ok"),
                kestrel: k => k.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(5));
            await app.StartAsync();
            using var socket = await Raw.ConnectAsync(world.Client, "10.0.0.10", 80);
            await Raw.SendAsync(socket, "GET / HTTP/1.1\r\nHost: api\r\n\r\n");
            string response = await Raw.ReadAsync(socket, "0\r\n\r\n"); // minimal API strings go chunked
            Assert.StartsWith("HTTP/1.1 200 OK", response, StringComparison.Ordinal);
            DateTimeOffset idleFrom = world.Sim.Clock.GetUtcNow();
            string more = await Raw.ReadAsync(socket); // ends when Kestrel closes the idle connection
            TimeSpan idle = world.Sim.Clock.GetUtcNow() - idleFrom;
            Assert.Equal(string.Empty, more);
            // Kestrel checks timeouts once a heartbeat (1 s), and adds one heartbeat of grace: 5 s <= idle <= 7 s.
            Assert.InRange(idle, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7));
            await app.StopAsync();
        });
    }

    [Fact]
    public void Request_headers_timeout_answers_408_after_that_much_virtual_time()
    {
        var world = new HttpWorld(4);
        world.Sim.Run(world.Client, async () =>
        {
            await using WebApplication app = HttpWorld.BuildApp(
                world.Server,
                a => a.MapGet("/", () => "ok"),
                kestrel: k => k.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(4));
            await app.StartAsync();
            using var socket = await Raw.ConnectAsync(world.Client, "10.0.0.10", 80);
            DateTimeOffset from = world.Sim.Clock.GetUtcNow();
            await Raw.SendAsync(socket, "GET / HTTP/1.1\r\nHost: a"); // and never the rest
            string response = await Raw.ReadAsync(socket);
            TimeSpan waited = world.Sim.Clock.GetUtcNow() - from;
            Assert.StartsWith("HTTP/1.1 408 Request Timeout", response, StringComparison.Ordinal);
            Assert.InRange(waited, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6));
            await app.StopAsync();
        });
    }

    [Fact]
    public void Heartbeat_beats_in_virtual_time_only_while_a_connection_is_open()
    {
        var world = new HttpWorld(5);
        world.Sim.Run(world.Client, async () =>
        {
            await using WebApplication app = HttpWorld.BuildApp(world.Server, a => a.MapGet("/", () => "ok"));
            await app.StartAsync();
            var clock = app.Services.GetRequiredService<KestrelVirtualClock>();
            await Task.Delay(TimeSpan.FromMinutes(10), world.Sim.Clock);
            Assert.Equal(0, clock.Beats); // idle server: no beats, so RunUntilIdle can end
            using var socket = await Raw.ConnectAsync(world.Client, "10.0.0.10", 80);
            await Task.Delay(TimeSpan.FromSeconds(10.5), world.Sim.Clock);
            Assert.Equal(11, clock.Beats); // one at the first connection, then one a virtual second
            socket.Dispose();
            await Task.Delay(TimeSpan.FromMinutes(1), world.Sim.Clock);
            long after = clock.Beats;
            await Task.Delay(TimeSpan.FromMinutes(10), world.Sim.Clock);
            Assert.Equal(after, clock.Beats);
            await app.StopAsync();
        });
    }
}
