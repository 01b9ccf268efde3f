using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using SimNet.Http.Tests.Grpc;
using SimNet.Http.Tests.Support;
using SimNet.WebService;
using Xunit;

namespace SimNet.Http.Tests;

/// <summary>The scenarios users copy: DNS, crash mid-request, partition and retries, an HTTP/2 capture.</summary>
public class ScenarioTests
{
    [Fact]
    public void Service_is_reached_by_its_dns_name_through_the_simulated_dns_server()
    {
        var world = new HttpWorld(31);
        world.Sim.Run(world.Client, async () =>
        {
            await using WebApplication app = HttpWorld.BuildGreeterApp(world.Server);
            await app.StartAsync();
            using HttpClient http = SimNetHttp.CreateClient(world.Client);
            Assert.Equal("worked 10 ms", await http.GetStringAsync("http://orders.sim/work/10")); // CNAME orders.sim. -> api.sim.
            using GrpcChannel channel = GrpcTests.Channel(world, "http://orders:81"); // search domain sim.
            HelloReply reply = await new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = "dns" });
            Assert.Equal("Hello dns", reply.Message);
            await app.StopAsync();
        });
        Assert.True(world.Dns.Answered >= 2, $"the DNS server answered {world.Dns.Answered} queries");
    }

    [Fact]
    public void Server_crash_mid_request_times_out_the_client_like_a_silent_peer_and_a_retry_after_restart_succeeds()
    {
        var world = new HttpWorld(32);
        HttpWorld.RunGreeterAsSoftware(world.Server);
        world.Sim.After(TimeSpan.FromSeconds(1), s => world.Server.Crash());
        world.Sim.After(TimeSpan.FromSeconds(3), s => world.Server.Restart());
        world.Sim.Run(world.Client, async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), world.Sim.Clock); // the server is up and listening
            using HttpClient http = SimNetHttp.CreateClient(world.Client, TimeSpan.FromSeconds(10));

            // The host loses power 0.5 s into a 5-second request: no FIN, no RST, silence. A real client
            // waits out its timeout: TaskCanceledException with a TimeoutException inside, 10 s after it began.
            DateTimeOffset from = world.Sim.Clock.GetUtcNow();
            var e = await Assert.ThrowsAsync<TaskCanceledException>(() => http.GetStringAsync("http://api.sim/work/5000"));
            Assert.IsType<TimeoutException>(e.InnerException);
            Assert.Equal(TimeSpan.FromSeconds(10), world.Sim.Clock.GetUtcNow() - from);

            // The host came back at 3 s with the app restarted: a retry gets a new connection and an answer.
            Assert.Equal("worked 5 ms", await http.GetStringAsync("http://api.sim/work/5"));
            Assert.Equal(2, world.Server.Boots);
        });
    }

    [Fact]
    public void Partition_fails_requests_until_it_heals_then_retries_succeed()
    {
        var world = new HttpWorld(33);
        HttpWorld.RunGreeterAsSoftware(world.Server);
        world.Sim.After(TimeSpan.FromSeconds(1), s => s.Partition(world.Client, world.Server));
        world.Sim.After(TimeSpan.FromSeconds(8), s => s.Heal());
        world.Sim.Run(world.Client, async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(2), world.Sim.Clock);
            using HttpClient http = SimNetHttp.CreateClient(world.Client, TimeSpan.FromSeconds(2));
            using GrpcChannel channel = GrpcTests.Channel(world);
            var grpc = new Greeter.GreeterClient(channel);
            int failures = 0;
            string? answer = null;
            while (answer is null)
            {
                try
                {
                    answer = await http.GetStringAsync("http://api.sim/work/1");
                }
                catch (TaskCanceledException e) when (e.InnerException is TimeoutException)
                {
                    failures++;
                    await Task.Delay(TimeSpan.FromSeconds(1), world.Sim.Clock); // back off, then retry
                }
            }

            Assert.Equal("worked 1 ms", answer);
            Assert.True(failures >= 2, $"{failures} attempts failed during the partition");
            Assert.True(world.Sim.Clock.GetUtcNow() >= SimNet.Time.VirtualClock.Epoch + TimeSpan.FromSeconds(8), "no answer before the partition healed");

            // gRPC after the heal, on a fresh channel: straight through.
            HelloReply reply = await grpc.SayHelloAsync(new HelloRequest { Name = "healed" }, deadline: DateTime.UtcNow.AddSeconds(10));
            Assert.Equal("Hello healed", reply.Message);
        });
    }

    [Fact]
    public void Http2_exchange_capture_decodes_in_tshark_as_http2()
    {
        var world = new HttpWorld(34);
        string file = Path.Combine(Path.GetTempPath(), $"simnet-h2-{Environment.ProcessId}.pcapng");
        try
        {
            using (world.Sim.Capture(file))
            {
                world.Sim.Run(world.Client, async () =>
                {
                    await using WebApplication app = HttpWorld.BuildGreeterApp(world.Server);
                    await app.StartAsync();
                    using HttpClient http = SimNetHttp.CreateClient(world.Client);
                    using var request = new HttpRequestMessage(HttpMethod.Get, "http://api.sim:81/work/3") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
                    using HttpResponseMessage response = await http.SendAsync(request);
                    Assert.Equal("worked 3 ms", await response.Content.ReadAsStringAsync());
                    await app.StopAsync();
                });
            }

            string decoded = Tshark.Run(["-r", file, "-n", "-d", "tcp.port==81,http2", "-Y", "http2.type == 1", "-T", "fields", "-e", "http2.header.name", "-e", "http2.header.value"]);
            Assert.Contains(":path", decoded, StringComparison.Ordinal);
            Assert.Contains("/work/3", decoded, StringComparison.Ordinal);
            Assert.Contains(":status", decoded, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
