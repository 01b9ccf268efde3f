using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using SimNet.Http.Tests.Grpc;
using SimNet.Http.Tests.Support;
using SimNet.WebService;
using Xunit;

namespace SimNet.Http.Tests;

public class GrpcTests
{
    internal static GrpcChannel Channel(HttpWorld world, string address = "http://api.sim:81")
    {
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = SimNetHttp.CreateGrpcHandler(world.Client) });
        SimNetHttp.UseVirtualGrpcDeadlines(channel);
        return channel;
    }

    [Fact]
    public void Unary_and_server_streaming_calls_work_over_h2c()
    {
        var world = new HttpWorld(21);
        world.Sim.Run(world.Client, async () =>
        {
            await using WebApplication app = HttpWorld.BuildGreeterApp(world.Server);
            await app.StartAsync();
            using GrpcChannel channel = Channel(world);
            var client = new Greeter.GreeterClient(channel);
            HelloReply reply = await client.SayHelloAsync(new HelloRequest { Name = "sim", WorkMs = 250 });
            Assert.Equal("Hello sim", reply.Message);
            var values = new List<int>();
            DateTimeOffset from = world.Sim.Clock.GetUtcNow();
            using AsyncServerStreamingCall<CountReply> call = client.Count(new CountRequest { To = 5, IntervalMs = 1000 });
            await foreach (CountReply r in call.ResponseStream.ReadAllAsync())
            {
                values.Add(r.Value);
            }

            Assert.Equal(new[] { 1, 2, 3, 4, 5 }, values);
            Assert.True(world.Sim.Clock.GetUtcNow() - from >= TimeSpan.FromSeconds(5), "the stream's pauses are virtual seconds");
            await app.StopAsync();
        });
    }

    [Fact]
    public void Grpc_deadline_under_ten_percent_loss_is_exceeded_at_its_virtual_instant()
    {
        var world = new HttpWorld(22, new SimNet.Topology.LinkConditions { Latency = TimeSpan.FromMilliseconds(5), Jitter = TimeSpan.FromMilliseconds(3), LossRate = 0.10 });
        world.Sim.Run(world.Client, async () =>
        {
            await using WebApplication app = HttpWorld.BuildGreeterApp(world.Server);
            await app.StartAsync();
            using GrpcChannel channel = Channel(world);
            var client = new Greeter.GreeterClient(channel);

            // A quick call makes it through the loss (TCP retransmits), well inside its deadline.
            HelloReply quick = await client.SayHelloAsync(new HelloRequest { Name = "quick", WorkMs = 100 }, deadline: DateTime.UtcNow.AddSeconds(30));
            Assert.Equal("Hello quick", quick.Message);

            // A call whose server works 30 virtual seconds ends at its 5-second deadline, on virtual time.
            DateTimeOffset from = world.Sim.Clock.GetUtcNow();
            var e = await Assert.ThrowsAsync<RpcException>(async () =>
                await client.SayHelloAsync(new HelloRequest { Name = "slow", WorkMs = 30_000 }, deadline: DateTime.UtcNow.AddSeconds(5)));
            TimeSpan took = world.Sim.Clock.GetUtcNow() - from;
            Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
            // grpc-timeout is computed from the wall clock when the call starts, so it is a hair under 5 s.
            Assert.InRange(took, TimeSpan.FromSeconds(4.9), TimeSpan.FromSeconds(5));
            await app.StopAsync();
        });
    }

    [Fact]
    public void Virtual_grpc_deadline_switch_exists_in_Grpc_Net_Client()
    {
        // The pin: UseVirtualGrpcDeadlines sets GrpcChannel's internal DisableClientDeadline by name.
        using GrpcChannel channel = GrpcChannel.ForAddress("http://pin.sim");
        Assert.False(SimNetHttp.GrpcChannelDeadline(channel));
        SimNetHttp.UseVirtualGrpcDeadlines(channel);
        Assert.True(SimNetHttp.GrpcChannelDeadline(channel));
        string? version = System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(typeof(GrpcChannel).Assembly)?.InformationalVersion;
        Assert.StartsWith("2.85.0", version, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SimNetHttp.UseVirtualGrpcDeadlines(new object()));
    }
}
