using System.Diagnostics;
using SimNet.Http.Tests.Scenarios;
using Xunit;

namespace SimNet.Http.Tests;

public class DeterminismTests
{
    [Fact]
    public void Sequential_http_and_grpc_through_loss_partition_and_crash_replay_the_same_trace()
    {
        ulong first = ConcurrentChaos.Hash(41, concurrent: false);
        ulong second = ConcurrentChaos.Hash(41, concurrent: false);
        Assert.Equal(first, second);
        Assert.NotEqual(first, ConcurrentChaos.Hash(42, concurrent: false)); // the hash sees the seed
    }
}
