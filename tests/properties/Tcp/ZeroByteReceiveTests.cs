using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Tcp;

/// <summary>The zero-byte read idiom SocketsHttpHandler and Kestrel use to wait for input without a buffer.</summary>
public class ZeroByteReceiveTests
{
    [Fact]
    public void Async_zero_byte_receive_waits_for_data_then_completes_with_zero_and_leaves_the_data()
    {
        var w = new TcpWorld(71, new LinkConditions { Latency = TimeSpan.FromMilliseconds(5) });
        using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen(4);
        using var client = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        using Socket server = listener.Accept();

        int got = -1;
        Task wait = ZeroByteReceive();
        w.Sim.RunFor(TimeSpan.FromSeconds(1));
        Assert.False(wait.IsCompleted); // no data: the zero-byte receive waits, as .NET's does

        client.Send("hi"u8);
        w.Sim.RunUntilIdle();
        Assert.True(wait.IsCompletedSuccessfully);
        Assert.Equal(0, got);
        Assert.Equal(2, server.Available); // the data is still there for the real read

        client.Shutdown(SocketShutdown.Send);
        var buffer = new byte[8];
        Assert.Equal(2, server.Receive(buffer));
        got = -1;
        Task atEnd = ZeroByteReceive();
        w.Sim.RunUntilIdle();
        Assert.True(atEnd.IsCompletedSuccessfully); // the end of the stream also ends the wait
        Assert.Equal(0, got);

        // ConfigureAwait(false): this test drives from its own thread (xunit's context may be current), so the
        // continuation must run inline in the completion, not be posted to xunit's context.
        async Task ZeroByteReceive() => got = await server.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
    }
}
