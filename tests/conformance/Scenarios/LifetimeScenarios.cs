using System.Net;
using System.Net.Sockets;

namespace SimNet.Conformance;

public static partial class Scenarios
{
    public static void Shutdown_unconnected_is_NotConnected(Lab lab)
    {
        Socket s = lab.Bound4();
        lab.Try("send", () => s.Shutdown(SocketShutdown.Send));
        lab.Try("receive", () => s.Shutdown(SocketShutdown.Receive));
        lab.Try("both", () => s.Shutdown(SocketShutdown.Both));
        Socket u = lab.V4();
        lab.Try("unbound both", () => u.Shutdown(SocketShutdown.Both));
    }

    public static async Task Shutdown_send_then_Send_is_Shutdown(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket s = lab.Bound4();
        s.Connect(rx.LocalEndPoint!);
        lab.Try("shutdown send", () => s.Shutdown(SocketShutdown.Send));
        lab.Try("send", () => s.Send(new byte[1]));
        lab.Try("sendto", () => s.SendTo(new byte[1], rx.LocalEndPoint!));
        rx.SendTo(new byte[4], s.LocalEndPoint!);
        await Lab.Settle();
        s.Blocking = false;
        lab.Try("receive still works", () => s.Receive(new byte[8]));
    }

    public static async Task Shutdown_receive_then_Receive(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket s = lab.Bound4();
        s.Connect(rx.LocalEndPoint!);
        rx.SendTo(new byte[4], s.LocalEndPoint!);
        await Lab.Settle();
        lab.Try("shutdown receive", () => s.Shutdown(SocketShutdown.Receive));
        lab.Note("available", s.Available);
        s.ReceiveTimeout = 200;
        lab.Try("receive", () => s.Receive(new byte[8]));
        lab.Try("receive again", () => s.Receive(new byte[8]));
        lab.Try("send still works", () => s.Send(new byte[2]));
        rx.SendTo(new byte[6], s.LocalEndPoint!);
        await Lab.Settle();
        lab.Note("available after new datagram", s.Available);
        lab.Try("receive new datagram", () => s.Receive(new byte[8]));
    }

    public static void Listen_on_UDP_is_OperationNotSupported(Lab lab)
    {
        Socket s = lab.Bound4();
        lab.Try("listen", () => s.Listen(5));
        lab.Try("listen default", () => s.Listen());
    }

    public static async Task Port_unreachable_then_Receive(Lab lab)
    {
        Socket s = lab.Bound4();
        s.Connect(new IPEndPoint(IPAddress.Loopback, lab.ClosedPort()));
        lab.Try("send", () => s.Send(new byte[3]));
        await Lab.Settle();
        lab.Try("poll error", () => s.Poll(100_000, SelectMode.SelectError));
        lab.Try("poll read", () => s.Poll(100_000, SelectMode.SelectRead));
        s.Blocking = false;
        lab.Try("receive", () => s.Receive(new byte[8]));
        lab.Try("receive again", () => s.Receive(new byte[8]));
        lab.Try("poll error after", () => s.Poll(0, SelectMode.SelectError));
    }

    public static async Task Port_unreachable_then_Send(Lab lab)
    {
        Socket s = lab.Bound4();
        s.Connect(new IPEndPoint(IPAddress.Loopback, lab.ClosedPort()));
        lab.Try("send", () => s.Send(new byte[3]));
        await Lab.Settle();
        lab.Try("send 2", () => s.Send(new byte[3]));
        await Lab.Settle();
        lab.Try("send 3", () => s.Send(new byte[3]));
        await Lab.Settle();
        s.Blocking = false;
        lab.Try("receive", () => s.Receive(new byte[8]));
        lab.Try("receive again", () => s.Receive(new byte[8]));
    }

    public static async Task Port_unreachable_then_SendTo_elsewhere(Lab lab)
    {
        Socket other = lab.Bound4();
        Socket s = lab.Bound4();
        s.Connect(new IPEndPoint(IPAddress.Loopback, lab.ClosedPort()));
        s.Send(new byte[3]);
        await Lab.Settle();
        lab.Try("sendto other", () => s.SendTo(new byte[5], other.LocalEndPoint!));
        await Lab.Settle();
        lab.Note("other available", other.Available);
        s.Blocking = false;
        lab.Try("receive", () => s.Receive(new byte[8]));
    }

    public static async Task Port_unreachable_then_async_receive(Lab lab)
    {
        Socket s = lab.Bound4();
        s.Connect(new IPEndPoint(IPAddress.Loopback, lab.ClosedPort()));
        s.Send(new byte[3]);
        await Lab.Settle();
        await lab.TryAsync("receiveasync", async () => await s.ReceiveAsync(new byte[8], SocketFlags.None));
        s.Blocking = false;
        lab.Try("receive", () => s.Receive(new byte[8]));
    }

    public static async Task Port_unreachable_is_not_reported_to_an_unconnected_sender(Lab lab)
    {
        Socket s = lab.Bound4();
        lab.Try("sendto", () => s.SendTo(new byte[3], new IPEndPoint(IPAddress.Loopback, lab.ClosedPort())));
        await Lab.Settle();
        lab.Try("poll error", () => s.Poll(0, SelectMode.SelectError));
        s.Blocking = false;
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        lab.Try("receivefrom", () => s.ReceiveFrom(new byte[8], ref from));
        lab.Try("sendto again", () => s.SendTo(new byte[3], new IPEndPoint(IPAddress.Loopback, PortOf(s))));
    }

    public static async Task Cancelled_receive_leaves_the_socket_usable(Lab lab)
    {
        Socket s = lab.Bound4();
        using var cts = new CancellationTokenSource();
        ValueTask<SocketReceiveFromResult> pending = s.ReceiveFromAsync(new byte[8], SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
        lab.Note("completed before cancel", pending.IsCompleted);
        cts.Cancel();
        await lab.TryAsync("pending", async () => await pending);
        await lab.TryAsync("already cancelled token", async () => await s.ReceiveAsync(new byte[8], SocketFlags.None, cts.Token));
        Socket tx = lab.V4();
        tx.SendTo(new byte[6], s.LocalEndPoint!);
        await Lab.Settle();
        s.Blocking = false;
        lab.Try("receive after", () => s.Receive(new byte[8]));
    }

    public static async Task Pending_async_receive_then_Dispose_is_OperationAborted(Lab lab)
    {
        Socket s = lab.Bound4();
        Task<SocketReceiveFromResult> pending = s.ReceiveFromAsync(new byte[8], SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
        Task<int> pending2 = s.ReceiveAsync(new byte[8], SocketFlags.None);
        lab.Note("pending", pending.IsCompleted);
        s.Dispose();
        await lab.TryAsync("receivefrom", () => pending);
        await lab.TryAsync("receive", () => pending2);
    }

    public static async Task Pending_SocketAsyncEventArgs_receive_then_Dispose(Lab lab)
    {
        // Polled, not awaited with WaitAsync: a continuation that hops through the thread pool is
        // invisible to the simulation, which would jump its clock past the wait.
        Socket s = lab.Bound4();
        string? completed = null;
        using var e = new SocketAsyncEventArgs();
        e.SetBuffer(new byte[8], 0, 8);
        e.Completed += (_, args) => Volatile.Write(ref completed, $"{args.SocketError} {args.BytesTransferred} {args.LastOperation}");
        lab.Try("receiveasync(e)", () => s.ReceiveAsync(e));
        s.Dispose();
        for (int i = 0; i < 50 && Volatile.Read(ref completed) is null; i++)
        {
            await Lab.Settle();
        }

        lab.Note("completed", Volatile.Read(ref completed) ?? "not raised");
    }

    public static void Blocked_Receive_then_Dispose_is_Interrupted(Lab lab)
    {
        Socket s = lab.Bound4();
        s.ReceiveTimeout = 3000; // bounds the real run if Dispose did not wake it
        Lab.After(TimeSpan.FromMilliseconds(50), s.Dispose);
        lab.Try("receive", () => s.Receive(new byte[8]));
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        lab.Try("receivefrom after", () => s.ReceiveFrom(new byte[8], ref from));
    }

    public static void One_SocketAsyncEventArgs_used_twice_at_once(Lab lab)
    {
        Socket s = lab.Bound4();
        Socket peer = lab.Bound4();
        using var e = new SocketAsyncEventArgs();
        e.SetBuffer(new byte[8], 0, 8);
        lab.Try("receiveasync(e)", () => s.ReceiveAsync(e));
        e.RemoteEndPoint = peer.LocalEndPoint;
        lab.Try("connectasync(e) while pending", () => s.ConnectAsync(e));
        lab.Try("receiveasync(e) again", () => s.ReceiveAsync(e));
        lab.Try("setbuffer while pending", () => e.SetBuffer(new byte[4], 0, 4));
        lab.Note("connected", s.Connected);
    }

    public static void Use_after_Dispose(Lab lab)
    {
        Socket s = lab.Bound4();
        s.Dispose();
        lab.Try("dispose twice", s.Dispose);
        lab.Try("close", () => s.Close());
        lab.Note("connected", s.Connected);
        lab.Note("isbound", s.IsBound);
        lab.Note("family", s.AddressFamily);
        lab.Note("type", s.SocketType);
        lab.Note("protocol", s.ProtocolType);
        lab.Try("bind", () => s.Bind(new IPEndPoint(IPAddress.Loopback, 0)));
        lab.Try("connect", () => s.Connect(new IPEndPoint(IPAddress.Loopback, 9)));
        lab.Try("sendto", () => s.SendTo(new byte[1], new IPEndPoint(IPAddress.Loopback, 9)));
        lab.Try("send", () => s.Send(new byte[1]));
        lab.Try("receive", () => s.Receive(new byte[1]));
        lab.Try("available", () => s.Available);
        lab.Try("localendpoint", () => s.LocalEndPoint);
        lab.Try("remoteendpoint", () => s.RemoteEndPoint);
        lab.Try("blocking get", () => s.Blocking);
        lab.Try("blocking set", () => s.Blocking = false);
        lab.Try("receivetimeout", () => s.ReceiveTimeout);
        lab.Try("ttl", () => s.Ttl);
        lab.Try("broadcast", () => s.EnableBroadcast);
        lab.Try("setsocketoption", () => s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true));
        lab.Try("poll", () => s.Poll(0, SelectMode.SelectRead));
        lab.Try("shutdown", () => s.Shutdown(SocketShutdown.Both));
        lab.Try("listen", () => s.Listen());
        lab.Try("receiveasync", () => s.ReceiveAsync(new byte[1], SocketFlags.None).IsCompleted);
    }
}
