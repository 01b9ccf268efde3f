using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;
using Socket = SimNet.Sockets.Socket;
using SocketAsyncEventArgs = SimNet.Sockets.SocketAsyncEventArgs;

namespace SimNet.Properties.Tcp;

/// <summary>Seed 001: ConnectAsync(SocketAsyncEventArgs) on a stream socket, for every outcome.</summary>
public class ConnectAsyncArgsProperties
{
    public enum Outcome
    {
        Listener,
        ClosedPort,
        Unanswered,
        NoRoute,
    }

    internal sealed record Case(long Seed, Outcome Outcome, int BufferLength, bool Bind, int LatencyMs)
    {
        public override string ToString() => $"seed={Seed} outcome={Outcome} buffer={BufferLength} bind={Bind} latency={LatencyMs}ms";
    }

    private static readonly Gen<Case> Cases =
        from seed in Gen.Choose(0, int.MaxValue)
        from outcome in Gen.Elements(Outcome.Listener, Outcome.Listener, Outcome.ClosedPort, Outcome.Unanswered, Outcome.NoRoute)
        from length in Gen.Elements(0, 0, 1, 100, 3000, 40000)
        from bind in Gen.Elements(true, false)
        from latency in Gen.Choose(0, 30)
        select new Case(seed, outcome, length, bind, latency);

    [SimNetProperty(MaxTest = 60)]
    public Property Return_value_and_Completed_agree_with_the_seed_for_every_outcome()
    {
        return Prop.ForAll(Arb.From(Cases), c =>
        {
            var w = new TcpWorld(c.Seed, new LinkConditions { Latency = TimeSpan.FromMilliseconds(c.LatencyMs) });
            using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Any, 80));
            listener.Listen(8);
            if (c.Outcome == Outcome.Unanswered)
            {
                w.B.IsUp = false; // crashed: drops every segment, answers nothing
            }

            IPEndPoint target = c.Outcome switch
            {
                Outcome.ClosedPort => new IPEndPoint(TcpWorld.AddressB, 81),
                Outcome.NoRoute => new IPEndPoint(IPAddress.Parse("192.168.9.9"), 80),
                _ => new IPEndPoint(TcpWorld.AddressB, 80),
            };

            using var socket = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (c.Bind)
            {
                socket.Bind(new IPEndPoint(TcpWorld.AddressA, 0));
            }

            byte[] payload = new byte[c.BufferLength];
            new Random((int)c.Seed).NextBytes(payload);
            using var e = new SocketAsyncEventArgs { RemoteEndPoint = target, UserToken = "token" };
            e.SetBuffer(payload, 0, payload.Length);
            int raised = 0;
            object? tokenSeen = null;
            e.Completed += (_, args) =>
            {
                raised++;
                tokenSeen = args.UserToken;
            };

            bool pending = socket.ConnectAsync(e);
            int raisedAtReturn = raised;
            w.Sim.RunUntilIdle();

            SocketError expected = c.Outcome switch
            {
                Outcome.Listener => SocketError.Success,
                Outcome.ClosedPort => SocketError.ConnectionRefused,
                Outcome.Unanswered => SocketError.TimedOut,
                _ => SocketError.NetworkUnreachable,
            };
            bool expectPending = c.Outcome != Outcome.NoRoute;
            bool agree = pending == expectPending && raisedAtReturn == 0 && raised == (pending ? 1 : 0)
                && e.SocketError == expected && e.LastOperation == SocketAsyncOperation.Connect && e.ConnectSocket == socket
                && (!pending || Equals(tokenSeen, "token"));
            bool connectedRight = socket.Connected == (expected == SocketError.Success);
            bool dataRight = true;
            if (expected == SocketError.Success)
            {
                var local = (IPEndPoint)socket.LocalEndPoint!;
                dataRight = e.BytesTransferred == payload.Length && local.Address.Equals(TcpWorld.AddressA) && local.Port > 0;
                using Socket accepted = listener.Accept();
                var got = new byte[payload.Length];
                int total = 0;
                while (total < got.Length && (accepted.Available > 0 || accepted.Poll(0, SelectMode.SelectRead)))
                {
                    total += accepted.Receive(got.AsSpan(total));
                }

                dataRight &= total == payload.Length && got.AsSpan().SequenceEqual(payload);
            }
            else
            {
                dataRight = e.BytesTransferred == 0;
            }

            return (agree && connectedRight && dataRight).Label($"pending={pending} raised={raised}@{raisedAtReturn} error={e.SocketError} bytes={e.BytesTransferred} connected={socket.Connected} {c}");
        });
    }

    [Fact]
    public void Validation_goes_disposed_then_null_then_BufferList_then_RemoteEndPoint_then_listening_then_connected_then_family()
    {
        var w = new TcpWorld(11);
        var disposed = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => disposed.ConnectAsync((SocketAsyncEventArgs)null!));

        using var s = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.Throws<ArgumentNullException>(() => s.ConnectAsync((SocketAsyncEventArgs)null!));
        using var withList = new SocketAsyncEventArgs { BufferList = new List<ArraySegment<byte>> { new byte[1] } };
        Assert.Throws<ArgumentException>(() => s.ConnectAsync(withList)); // before the null RemoteEndPoint
        using var noRemote = new SocketAsyncEventArgs();
        Assert.Throws<ArgumentNullException>(() => s.ConnectAsync(noRemote)); // measured on real loopback (tests/conformance): ArgumentNullException

        using var listening = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listening.Bind(new IPEndPoint(IPAddress.Any, 0));
        listening.Listen(1);
        using var v6 = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.IPv6Loopback, 1) };
        Assert.Throws<InvalidOperationException>(() => listening.ConnectAsync(v6)); // listening beats the family mismatch

        using var server = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Any, 80));
        server.Listen(1);
        s.Connect(new IPEndPoint(TcpWorld.AddressB, 80));
        var connected = Assert.Throws<SocketException>(() => s.ConnectAsync(v6)); // connected beats the family mismatch
        Assert.Equal(SocketError.IsConnected, connected.SocketErrorCode);

        using var fresh = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Assert.Throws<NotSupportedException>(() => fresh.ConnectAsync(v6));
    }

    [Fact]
    public void One_SocketAsyncEventArgs_used_twice_at_once_is_an_InvalidOperationException()
    {
        var w = new TcpWorld(12);
        using var server = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Any, 80));
        server.Listen(1);
        using var a = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var b = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var e = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(TcpWorld.AddressB, 80) };
        Assert.True(a.ConnectAsync(e));
        Assert.Throws<InvalidOperationException>(() => b.ConnectAsync(e));
        w.Sim.RunUntilIdle();
        Assert.Equal(SocketError.Success, e.SocketError);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 100)]
    [InlineData(true, 4_000_000)]
    public void A_close_during_the_handshake_or_the_first_buffer_raises_Completed_once_with_OperationAborted_outside_the_worlds_lock(bool peerListens, int bufferLength)
    {
        var w = new TcpWorld(13, new LinkConditions { Latency = TimeSpan.FromMilliseconds(20) });
        using var listener = new Socket(w.B, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (peerListens)
        {
            listener.Bind(new IPEndPoint(IPAddress.Any, 80));
            listener.Listen(1); // completes the handshake but never reads: the first buffer waits for window
        }
        else
        {
            w.B.IsUp = false; // crashed: the SYN is never answered, so the handshake is still under way at the close
        }

        var socket = new Socket(w.A, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var e = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(TcpWorld.AddressB, 80) };
        e.SetBuffer(new byte[bufferLength], 0, bufferLength);
        int raised = 0;
        bool underLock = false;
        e.Completed += (_, args) =>
        {
            raised++;
            underLock |= Monitor.IsEntered(w.Sim.Gate);
        };

        Assert.True(socket.ConnectAsync(e));
        w.Sim.RunFor(TimeSpan.FromMilliseconds(peerListens ? 500 : 5)); // the operation is waiting on its endpoint now
        Assert.Equal(0, raised);
        Assert.Equal(peerListens, socket.Connected);

        socket.Dispose();
        w.Sim.RunUntilIdle();

        Assert.Equal(1, raised);
        Assert.False(underLock, "Completed ran inside the world's lock (on the stack of Dispose)");
        Assert.Equal(SocketError.OperationAborted, e.SocketError);
        Assert.Equal(0, e.BytesTransferred);
        Assert.False(socket.Connected);
    }
}
