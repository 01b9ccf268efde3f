// Requests per second through SimNet against the same app on real loopback Kestrel, in one run, and the
// wall time of a 1,000-request scenario with 1 % loss. Run it with bench/http.sh, which puts the real
// loopback run inside a network namespace of its own.
using System.Diagnostics;
using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using SimNet;
using SimNet.AspNetCore;
using SimNet.Http;
using SimNet.Http.Tests.Grpc;
using SimNet.Topology;
using SimNet.WebService;

int requests = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 2000;
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, .NET {Environment.Version}, {Environment.ProcessorCount} cores, {requests} sequential requests per row (after {requests / 10} warm-up)");

double simHttp = Sim(requests, grpc: false, loss: 0, out _);
double realHttp = await Real(requests, grpc: false);
double simGrpc = Sim(requests, grpc: true, loss: 0, out _);
double realGrpc = await Real(requests, grpc: true);
Console.WriteLine($"| HTTP/1.1 GET, requests/s | {simHttp:N0} | {realHttp:N0} | {simHttp / realHttp:F2}x |");
Console.WriteLine($"| gRPC unary (h2c), calls/s | {simGrpc:N0} | {realGrpc:N0} | {simGrpc / realGrpc:F2}x |");
Sim(1000, grpc: false, loss: 0.01, out TimeSpan lossy);
Console.WriteLine($"| 1,000 HTTP/1.1 requests, 1 % loss, 2 ms latency | {lossy.TotalMilliseconds:N0} ms wall | | |");

static WebApplication App(Action<IWebHostBuilder> server)
{
    WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
    server(builder.WebHost);
    builder.Services.AddRouting();
    builder.Services.AddGrpc();
    WebApplication app = builder.Build();
    app.MapGet("/", () => "ok");
    app.MapGrpcService<BenchGreeter>();
    return app;
}

static async Task<int> Drive(HttpClient http, GrpcChannel channel, bool grpc, int count, string httpUrl)
{
    var client = new SimNet.Http.Tests.Grpc.Greeter.GreeterClient(channel);
    int ok = 0;
    for (int i = 0; i < count; i++)
    {
        if (grpc)
        {
            ok += (await client.SayHelloAsync(new HelloRequest { Name = "b" })).Message.Length > 0 ? 1 : 0;
        }
        else
        {
            ok += (await http.GetStringAsync(httpUrl)).Length > 0 ? 1 : 0;
        }
    }

    return ok;
}

static double Sim(int count, bool grpc, double loss, out TimeSpan wall)
{
    var sim = new Simulation(7);
    Segment lan = sim.AddSegment("lan");
    if (loss > 0)
    {
        sim.SetLink(lan, new LinkConditions { Latency = TimeSpan.FromMilliseconds(2), LossRate = loss });
    }

    Host server = sim.AddHost("api");
    server.AddAdapter("eth0", lan, "10.0.0.10/24");
    Host client = sim.AddHost("client");
    client.AddAdapter("eth0", lan, "10.0.0.20/24");
    sim.Trace.KeepEvents = false;
    TimeSpan measured = TimeSpan.Zero;
    sim.Run(client, async () =>
    {
        await using WebApplication app = App(w =>
        {
            w.UseSimNet(server);
            w.ConfigureKestrel(k =>
            {
                k.ListenAnyIP(80, o => o.Protocols = HttpProtocols.Http1);
                k.ListenAnyIP(81, o => o.Protocols = HttpProtocols.Http2);
            });
        });
        await app.StartAsync();
        using HttpClient http = SimNetHttp.CreateClient(client);
        using GrpcChannel channel = GrpcChannel.ForAddress("http://10.0.0.10:81", new GrpcChannelOptions { HttpHandler = SimNetHttp.CreateGrpcHandler(client) });
        await Drive(http, channel, grpc, Math.Max(1, count / 10), "http://10.0.0.10/");
        var watch = Stopwatch.StartNew();
        int ok = await Drive(http, channel, grpc, count, "http://10.0.0.10/");
        measured = watch.Elapsed;
        if (ok != count)
        {
            throw new InvalidOperationException($"{count - ok} requests failed");
        }

        await app.StopAsync();
    });
    wall = measured;
    return count / measured.TotalSeconds;
}

static async Task<double> Real(int count, bool grpc)
{
    await using WebApplication app = App(w => w.UseKestrel(k =>
    {
        k.Listen(IPAddress.Loopback, 0, o => o.Protocols = grpc ? HttpProtocols.Http2 : HttpProtocols.Http1);
    }));
    await app.StartAsync();
    string address = app.Urls.First();
    using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
    using GrpcChannel channel = GrpcChannel.ForAddress(address);
    await Drive(http, channel, grpc, Math.Max(1, count / 10), address + "/");
    var watch = Stopwatch.StartNew();
    int ok = await Drive(http, channel, grpc, count, address + "/");
    double rate = count / watch.Elapsed.TotalSeconds;
    if (ok != count)
    {
        throw new InvalidOperationException($"{count - ok} requests failed");
    }

    await app.StopAsync();
    return rate;
}

internal sealed class BenchGreeter : SimNet.Http.Tests.Grpc.Greeter.GreeterBase
{
    public override Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context) =>
        Task.FromResult(new HelloReply { Message = "Hello " + request.Name });
}
