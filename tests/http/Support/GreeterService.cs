using Grpc.Core;
using SimNet.Http.Tests.Grpc;

namespace SimNet.Http.Tests.Support;

/// <summary>The gRPC service of the scenarios; it waits on the app's TimeProvider, which UseSimNet makes the virtual clock.</summary>
public sealed class GreeterService(TimeProvider clock) : Greeter.GreeterBase
{
    public override async Task<HelloReply> SayHello(HelloRequest request, ServerCallContext context)
    {
        if (request.WorkMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(request.WorkMs), clock, context.CancellationToken);
        }

        return new HelloReply { Message = "Hello " + request.Name };
    }

    public override async Task Count(CountRequest request, IServerStreamWriter<CountReply> responseStream, ServerCallContext context)
    {
        for (int i = 1; i <= request.To; i++)
        {
            await responseStream.WriteAsync(new CountReply { Value = i });
            if (request.IntervalMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(request.IntervalMs), clock, context.CancellationToken);
            }
        }
    }
}
