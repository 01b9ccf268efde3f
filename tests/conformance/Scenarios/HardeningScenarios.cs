using System.Net;
using System.Net.Sockets;

namespace SimNet.Conformance;

/// <summary>
/// The API edges issue 12's fuzzing found: measured here on the real stack and on SimNet together,
/// so the fix follows what .NET on Linux does rather than a guess.
/// </summary>
public static partial class Scenarios
{
    public static void Shutdown_receive_then_every_ReceiveFrom_form(Lab lab)
    {
        Socket s = lab.Bound4();
        Socket tx = lab.Bound4();
        s.Connect(tx.LocalEndPoint!);
        lab.Try("shutdown receive", () => s.Shutdown(SocketShutdown.Receive));
        byte[] buffer = new byte[8];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        lab.Try("receivefrom array", () => s.ReceiveFrom(buffer, ref from));
        lab.Note("from after array", from);
        from = new IPEndPoint(IPAddress.Loopback, 9);
        lab.Try("receivefrom span", () => s.ReceiveFrom(buffer.AsSpan(), SocketFlags.None, ref from));
        lab.Note("from after span", from);
        var address = new SocketAddress(AddressFamily.InterNetwork);
        lab.Try("receivefrom socketaddress", () => s.ReceiveFrom(buffer.AsSpan(), SocketFlags.None, address));
        lab.Note("socketaddress after", $"{address.Size} {address}");
        SocketFlags flags = SocketFlags.None;
        from = new IPEndPoint(IPAddress.Loopback, 7);
        lab.Try("receivemessagefrom", () => s.ReceiveMessageFrom(buffer, 0, 8, ref flags, ref from, out IPPacketInformation info));
        lab.Note("from after receivemessagefrom", from);
        lab.Try("receive", () => s.Receive(buffer));
    }

    public static async Task Shutdown_receive_then_async_receives(Lab lab)
    {
        Socket s = lab.Bound4();
        Socket tx = lab.Bound4();
        s.Connect(tx.LocalEndPoint!);
        lab.Try("shutdown receive", () => s.Shutdown(SocketShutdown.Receive));
        byte[] buffer = new byte[8];
        ValueTask<SocketReceiveFromResult> first = s.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
        await Lab.Settle();
        lab.Note("receivefromasync completed", first.IsCompleted);
        tx.SendTo(new byte[3], s.LocalEndPoint!);
        await Lab.Settle();
        lab.Note("receivefromasync completed after a datagram", first.IsCompleted);
        if (first.IsCompleted)
        {
            await lab.TryAsync("receivefromasync", async () => await first);
        }

        lab.Note("available", s.Available);
    }

    public static void Too_short_SocketAddress(Lab lab)
    {
        Socket s = lab.Bound4();
        Socket tx = lab.V4();
        var tooShort = new SocketAddress(AddressFamily.InterNetwork, 4);
        var port = ((IPEndPoint)s.LocalEndPoint!).Port;
        tooShort[2] = (byte)(port >> 8);
        tooShort[3] = (byte)port;
        lab.Try("sendto short", () => tx.SendTo(new byte[2], SocketFlags.None, tooShort));
        lab.Try("sendto short v6", () => lab.V6().SendTo(new byte[2], SocketFlags.None, new SocketAddress(AddressFamily.InterNetworkV6, 16)));
        tx.SendTo(new byte[5], s.LocalEndPoint!);
        s.ReceiveTimeout = 1000;
        lab.Try("poll", () => s.Poll(1_000_000, SelectMode.SelectRead));
        lab.Try("receivefrom into short", () => s.ReceiveFrom(new byte[8], SocketFlags.None, new SocketAddress(AddressFamily.InterNetwork, 4)));
        s.Blocking = false;
        lab.Try("receivefrom after", () => s.ReceiveFrom(new byte[8], SocketFlags.None, new SocketAddress(AddressFamily.InterNetwork)));
    }

    public static void Poll_TimeSpan_range(Lab lab)
    {
        Socket s = lab.Bound4();
        lab.Try("maxvalue", () => s.Poll(TimeSpan.MaxValue, SelectMode.SelectRead));
        lab.Try("minus one tick", () => s.Poll(TimeSpan.FromTicks(-1), SelectMode.SelectRead));
        lab.Try("minus two ms", () => s.Poll(TimeSpan.FromMilliseconds(-2), SelectMode.SelectRead));
        lab.Try("minvalue", () => s.Poll(TimeSpan.MinValue, SelectMode.SelectRead));
        lab.Try("int max microseconds + 1", () => s.Poll(TimeSpan.FromTicks((int.MaxValue + 1L) * 10), SelectMode.SelectRead));
        lab.Try("zero", () => s.Poll(TimeSpan.Zero, SelectMode.SelectRead));
        lab.Try("one ms", () => s.Poll(TimeSpan.FromMilliseconds(1), SelectMode.SelectWrite));
        lab.Try("int -5 microseconds", () => s.Poll(-5, SelectMode.SelectWrite));
        lab.Try("bad mode", () => s.Poll(0, (SelectMode)7));
    }

    public static void ConnectAsync_args_with_a_non_IP_EndPoint(Lab lab)
    {
        Socket udp = lab.V4();
        using var e = new SocketAsyncEventArgs { RemoteEndPoint = new UnixDomainSocketEndPoint("/nonexistent/simnet") };
        lab.Try("udp connectasync(e)", () => udp.ConnectAsync(e));
        Socket tcp = lab.Own(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using var e2 = new SocketAsyncEventArgs { RemoteEndPoint = new UnixDomainSocketEndPoint("/nonexistent/simnet") };
        lab.Try("tcp connectasync(e)", () => tcp.ConnectAsync(e2));
        lab.Try("udp connect", () => udp.Connect(new UnixDomainSocketEndPoint("/nonexistent/simnet")));
        lab.Try("udp bind", () => udp.Bind(new UnixDomainSocketEndPoint("/nonexistent/simnet")));
        lab.Try("udp sendto", () => udp.SendTo(new byte[1], new UnixDomainSocketEndPoint("/nonexistent/simnet")));

        // An EndPoint of the socket's family that is not an IPEndPoint: the runtime takes what it serializes to.
        Socket rx = lab.Bound4();
        Socket udp2 = lab.V4();
        using var e3 = new SocketAsyncEventArgs { RemoteEndPoint = new ForeignEndPoint((IPEndPoint)rx.LocalEndPoint!) };
        lab.Try("udp connectasync(e) foreign", () => udp2.ConnectAsync(e3));
        lab.Note("result", e3.SocketError);
        lab.Note("remote", udp2.RemoteEndPoint);
        Socket udp3 = lab.V4();
        lab.Try("udp connect foreign", () => udp3.Connect(new ForeignEndPoint((IPEndPoint)rx.LocalEndPoint!)));
        lab.Note("remote 3", udp3.RemoteEndPoint);
        lab.Try("udp sendto foreign", () => lab.V4().SendTo(new byte[1], new ForeignEndPoint((IPEndPoint)rx.LocalEndPoint!)));
        lab.Try("connect to an EndPoint that cannot serialize", () => lab.V4().Connect(new MuteEndPoint()));
    }

    /// <summary>An application's own EndPoint type for IPv4 that serializes like an IPEndPoint.</summary>
    private sealed class ForeignEndPoint(IPEndPoint inner) : EndPoint
    {
        public override AddressFamily AddressFamily => AddressFamily.InterNetwork;

        public override SocketAddress Serialize() => inner.Serialize();

        public override EndPoint Create(SocketAddress socketAddress) => new ForeignEndPoint((IPEndPoint)inner.Create(socketAddress));
    }

    /// <summary>An IPv4 EndPoint that does not override Serialize.</summary>
    private sealed class MuteEndPoint : EndPoint
    {
        public override AddressFamily AddressFamily => AddressFamily.InterNetwork;
    }

    public static async Task Cancelled_receive_exception_type_per_protocol(Lab lab)
    {
        Socket udp = lab.Bound4();
        using (var cts = new CancellationTokenSource())
        {
            ValueTask<int> pending = udp.ReceiveAsync(new byte[8].AsMemory(), SocketFlags.None, cts.Token);
            cts.Cancel();
            await lab.TryAsync("udp receive", async () => await pending);
        }

        using (var cts = new CancellationTokenSource())
        {
            ValueTask<SocketReceiveFromResult> pending = udp.ReceiveFromAsync(new byte[8].AsMemory(), SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
            cts.Cancel();
            await lab.TryAsync("udp receivefrom", async () => (await pending).ReceivedBytes);
        }

        (Socket listener, Socket client, Socket server) = TcpPair(lab);
        using (var cts = new CancellationTokenSource())
        {
            ValueTask<int> pending = client.ReceiveAsync(new byte[8].AsMemory(), SocketFlags.None, cts.Token);
            cts.Cancel();
            await lab.TryAsync("tcp receive", async () => await pending);
        }

        using (var cts = new CancellationTokenSource())
        {
            ValueTask<Socket> pending = listener.AcceptAsync(cts.Token);
            cts.Cancel();
            await lab.TryAsync("tcp accept", async () => (await pending).Connected);
        }

        using (var cts = new CancellationTokenSource())
        {
            cts.Cancel();
            await lab.TryAsync("tcp receive, cancelled before", async () => await server.ReceiveAsync(new byte[8].AsMemory(), SocketFlags.None, cts.Token));
            await lab.TryAsync("udp receive, cancelled before", async () => await udp.ReceiveAsync(new byte[8].AsMemory(), SocketFlags.None, cts.Token));
        }

        client.Send(new byte[2]);
        await Lab.Settle();
        lab.Try("tcp still usable", () => server.Receive(new byte[8]));
    }
}
