using System.Net;
using System.Net.Sockets;

namespace SimNet.Conformance;

public static partial class Scenarios
{
    public static void Send_while_unconnected_is_DestinationAddressRequired(Lab lab)
    {
        Socket s = lab.V4();
        lab.Try("send", () => s.Send(new byte[1]));
        lab.Note("bound", s.IsBound);
        Socket b = lab.Bound4();
        lab.Try("send bound", () => b.Send(new byte[1]));
    }

    public static async Task Receive_forms_while_unbound(Lab lab)
    {
        Socket s = lab.V4();
        s.Blocking = false;
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        lab.Try("receivefrom", () => s.ReceiveFrom(new byte[8], ref any));
        SocketFlags flags = SocketFlags.None;
        lab.Try("receivemessagefrom", () => s.ReceiveMessageFrom(new byte[8], 0, 8, ref flags, ref any, out _));
        await lab.TryAsync("receivefromasync", () => s.ReceiveFromAsync(new byte[8], SocketFlags.None, any));
        lab.Try("receive", () => s.Receive(new byte[8]));
        lab.Note("bound after", s.IsBound);
    }

    public static async Task Connected_socket_receives_only_from_its_peer(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket peer = lab.Bound4();
        Socket other = lab.Bound4();
        rx.Connect(peer.LocalEndPoint!);
        other.SendTo(new byte[7], rx.LocalEndPoint!);
        peer.SendTo(new byte[3], rx.LocalEndPoint!);
        other.SendTo(new byte[9], rx.LocalEndPoint!);
        await Lab.Settle();
        lab.Note("available", rx.Available);
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        rx.Blocking = false;
        lab.Try("first", () => rx.ReceiveFrom(new byte[64], ref from));
        lab.Note("from", from);
        lab.Try("second", () => rx.ReceiveFrom(new byte[64], ref from));
    }

    public static async Task Connect_again_changes_the_filter(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket a = lab.Bound4();
        Socket b = lab.Bound4();
        rx.Connect(a.LocalEndPoint!);
        rx.Connect(b.LocalEndPoint!);
        lab.Note("remote", rx.RemoteEndPoint);
        a.SendTo(new byte[4], rx.LocalEndPoint!);
        b.SendTo(new byte[6], rx.LocalEndPoint!);
        await Lab.Settle();
        lab.Note("available", rx.Available);
        rx.Blocking = false;
        lab.Try("receive", () => rx.Receive(new byte[64]));
        lab.Try("receive again", () => rx.Receive(new byte[64]));
    }

    public static async Task Connected_socket_may_SendTo_another_endpoint(Lab lab)
    {
        Socket s = lab.Bound4();
        Socket peer = lab.Bound4();
        Socket third = lab.Bound4();
        s.Connect(peer.LocalEndPoint!);
        lab.Try("sendto third", () => s.SendTo(new byte[5], third.LocalEndPoint!));
        await Lab.Settle();
        lab.Note("third available", third.Available);
        lab.Note("peer available", peer.Available);
        lab.Note("still connected to", s.RemoteEndPoint);
    }

    public static async Task Connect_to_any_address_means_this_host(Lab lab)
    {
        Socket rx = lab.V4();
        rx.Bind(new IPEndPoint(IPAddress.Any, 0));
        Socket s = lab.V4();
        lab.Try("connect 0.0.0.0", () => s.Connect(new IPEndPoint(IPAddress.Any, PortOf(rx))));
        lab.Note("remote", s.RemoteEndPoint);
        lab.Note("local", s.LocalEndPoint);
        lab.Try("send", () => s.Send(new byte[2]));
        await Lab.Settle();
        lab.Note("rx available", rx.Available);
    }

    public static async Task SendTo_any_address_means_this_host(Lab lab)
    {
        Socket rx = lab.V4();
        rx.Bind(new IPEndPoint(IPAddress.Any, 0));
        Socket s = lab.V4();
        lab.Try("sendto 0.0.0.0", () => s.SendTo(new byte[3], new IPEndPoint(IPAddress.Any, PortOf(rx))));
        await Lab.Settle();
        rx.Blocking = false;
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        SocketFlags flags = SocketFlags.None;
        lab.Try("receive", () =>
        {
            int n = rx.ReceiveMessageFrom(new byte[8], 0, 8, ref flags, ref from, out IPPacketInformation info);
            return $"{n} to {info.Address}";
        });
        lab.Note("from", from);
    }

    public static void Loopback_subnet_broadcast_without_option_is_AccessDenied(Lab lab)
    {
        Socket rx = lab.V4();
        rx.Bind(new IPEndPoint(IPAddress.Any, 0));
        var bcast = new IPEndPoint(IPAddress.Parse("127.255.255.255"), PortOf(rx));
        Socket s = lab.V4();
        lab.Try("connect", () => s.Connect(bcast));
        lab.Note("connected", s.Connected);
        lab.Try("sendto", () => s.SendTo(new byte[1], bcast));
    }

    public static async Task Loopback_subnet_broadcast_with_option(Lab lab)
    {
        Socket any = lab.V4();
        any.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        any.Bind(new IPEndPoint(IPAddress.Any, 0));
        Socket unicast = lab.V4();
        unicast.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        lab.Try("bind unicast same port", () => unicast.Bind(new IPEndPoint(IPAddress.Loopback, PortOf(any))));
        Socket s = lab.V4();
        s.EnableBroadcast = true;
        lab.Try("sendto", () => s.SendTo(new byte[3], new IPEndPoint(IPAddress.Parse("127.255.255.255"), PortOf(any))));
        await Lab.Settle();
        lab.Note("any:p available", any.Available);
        lab.Note("127.0.0.1:p available", unicast.Available);
        lab.Note("local", s.LocalEndPoint);
        if (any.Available > 0)
        {
            SocketFlags flags = SocketFlags.None;
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            lab.Try("message", () =>
            {
                any.ReceiveMessageFrom(new byte[16], 0, 16, ref flags, ref from, out IPPacketInformation info);
                return $"from {from.AddressFamily} to {info.Address}";
            });
        }
    }

    public static void Limited_broadcast_without_option(Lab lab)
    {
        // Environment-dependent: the answer on Linux depends on whether a default route exists (see docs/conformance.md).
        // Connect only: it sends nothing, so the real run never puts a datagram on a real network.
        Socket s = lab.V4();
        lab.Try("connect", () => s.Connect(new IPEndPoint(IPAddress.Broadcast, 9)));
        lab.Note("connected", s.Connected);
    }

    public static async Task Sizes_at_and_over_the_IPv4_limit(Lab lab)
    {
        Socket rx = lab.Bound4();
        rx.ReceiveBufferSize = 1 << 20;
        Socket s = lab.Bound4();
        lab.Try("65507", () => s.SendTo(new byte[65507], rx.LocalEndPoint!));
        lab.Try("65508", () => s.SendTo(new byte[65508], rx.LocalEndPoint!));
        s.Connect(rx.LocalEndPoint!);
        lab.Try("send 65508", () => s.Send(new byte[65508]));
        await Lab.Settle();
        lab.Note("available", rx.Available);
    }

    public static async Task Sizes_at_and_over_the_IPv6_limit(Lab lab)
    {
        Socket rx = lab.Bound6();
        rx.ReceiveBufferSize = 1 << 20;
        Socket s = lab.Bound6();
        lab.Try("65527", () => s.SendTo(new byte[65527], rx.LocalEndPoint!));
        lab.Try("65528", () => s.SendTo(new byte[65528], rx.LocalEndPoint!));
        await Lab.Settle();
        lab.Note("available", rx.Available);
    }

    public static void Bad_endpoints_to_SendTo_and_Connect(Lab lab)
    {
        Socket s = lab.V4();
        lab.Try("sendto null", () => s.SendTo(new byte[1], null!));
        lab.Try("sendto v6", () => s.SendTo(new byte[1], new IPEndPoint(IPAddress.IPv6Loopback, 9)));
        lab.Try("sendto dns", () => s.SendTo(new byte[1], new DnsEndPoint("localhost", 9)));
        lab.Try("connect null", () => s.Connect((EndPoint)null!));
        lab.Try("connect v6", () => s.Connect(new IPEndPoint(IPAddress.IPv6Loopback, 9)));
        Socket s6 = lab.V6();
        lab.Try("v6only sendto v4", () => s6.SendTo(new byte[1], new IPEndPoint(IPAddress.Loopback, 9)));
        lab.Try("v6only connect v4", () => s6.Connect(new IPEndPoint(IPAddress.Loopback, 9)));
        lab.Try("null buffer", () => s.SendTo(null!, new IPEndPoint(IPAddress.Loopback, 9)));
        lab.Try("negative size", () => s.SendTo(new byte[4], 0, -1, SocketFlags.None, new IPEndPoint(IPAddress.Loopback, 9)));
        lab.Try("size past end", () => s.SendTo(new byte[4], 2, 3, SocketFlags.None, new IPEndPoint(IPAddress.Loopback, 9)));
        lab.Try("port 65536", () => s.Connect(IPAddress.Loopback, 65536));
        EndPoint wrong = new IPEndPoint(IPAddress.IPv6Any, 0);
        Socket b = lab.Bound4();
        b.Blocking = false;
        lab.Try("receivefrom v6 ep", () => b.ReceiveFrom(new byte[4], ref wrong));
    }

    public static async Task Connect_by_DnsEndPoint_localhost(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket s = lab.V4();
        lab.Try("connect", () => s.Connect(new DnsEndPoint("localhost", PortOf(rx))));
        lab.Note("remote", s.RemoteEndPoint);
        lab.Try("send", () => s.Send(new byte[2]));
        await Lab.Settle();
        lab.Note("rx available", rx.Available);
    }

    public static void Non_blocking_receive_with_nothing_queued_is_WouldBlock(Lab lab)
    {
        Socket s = lab.Bound4();
        s.Blocking = false;
        lab.Try("receive", () => s.Receive(new byte[8]));
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        lab.Try("receivefrom", () => s.ReceiveFrom(new byte[8], ref from));
        lab.Try("poll read 0", () => s.Poll(0, SelectMode.SelectRead));
        lab.Try("poll write 0", () => s.Poll(0, SelectMode.SelectWrite));
        lab.Try("poll error 0", () => s.Poll(0, SelectMode.SelectError));
    }

    public static void ReceiveTimeout_passes_with_TimedOut(Lab lab)
    {
        Socket s = lab.Bound4();
        s.ReceiveTimeout = 50;
        lab.Note("timeout", s.ReceiveTimeout);
        lab.Try("receive", () => s.Receive(new byte[8]));
        lab.Note("still usable", s.Available);
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        lab.Try("receivefrom", () => s.ReceiveFrom(new byte[8], ref from));
        lab.Try("poll 10ms", () => s.Poll(10_000, SelectMode.SelectRead));
        lab.Try("set -2", () => s.ReceiveTimeout = -2);
        lab.Try("set -1", () => s.ReceiveTimeout = -1);
        lab.Note("after -1", s.ReceiveTimeout);
    }

    public static async Task Available_counts_the_first_datagram_only(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket tx = lab.V4();
        tx.SendTo(new byte[100], rx.LocalEndPoint!);
        tx.SendTo(new byte[50], rx.LocalEndPoint!);
        await Lab.Settle();
        lab.Note("available", rx.Available);
        rx.Blocking = false;
        lab.Try("receive", () => rx.Receive(new byte[1000]));
        lab.Note("available next", rx.Available);
        lab.Try("receive", () => rx.Receive(new byte[1000]));
        lab.Note("available empty", rx.Available);
    }

    public static async Task Peek_leaves_the_datagram_queued(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket tx = lab.V4();
        tx.SendTo(new byte[30], rx.LocalEndPoint!);
        await Lab.Settle();
        rx.Blocking = false;
        lab.Try("peek", () => rx.Receive(new byte[100], SocketFlags.Peek));
        lab.Try("peek short", () => rx.Receive(new byte[10], SocketFlags.Peek));
        lab.Note("available", rx.Available);
        lab.Try("receive", () => rx.Receive(new byte[100]));
        lab.Try("receive again", () => rx.Receive(new byte[100]));
    }

    public static async Task Truncation_keeps_the_buffer_and_discards_the_rest(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket tx = lab.V4();
        for (int i = 0; i < 4; i++)
        {
            tx.SendTo(new byte[100], rx.LocalEndPoint!);
        }

        await Lab.Settle();
        rx.Blocking = false;
        lab.Try("receive 10", () => rx.Receive(new byte[10]));
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        lab.Try("receivefrom 10", () => rx.ReceiveFrom(new byte[10], ref from));
        lab.Try("receivemessagefrom 10", () =>
        {
            SocketFlags flags = SocketFlags.None;
            int n = rx.ReceiveMessageFrom(new byte[10], 0, 10, ref flags, ref from, out IPPacketInformation info);
            return $"{n} flags {flags} to {info.Address}";
        });
        lab.Try("receivemessagefrom 100", () =>
        {
            SocketFlags flags = SocketFlags.None;
            int n = rx.ReceiveMessageFrom(new byte[100], 0, 100, ref flags, ref from, out IPPacketInformation info);
            return $"{n} flags {flags} to {info.Address}";
        });
    }

    public static async Task Truncation_in_async_receive_message_from(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket tx = lab.V4();
        tx.SendTo(new byte[100], rx.LocalEndPoint!);
        await Lab.Settle();
        await lab.TryAsync("async 10", async () => await rx.ReceiveMessageFromAsync(new byte[10], SocketFlags.None, new IPEndPoint(IPAddress.Any, 0)));
    }

    public static async Task Zero_length_datagram(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket tx = lab.V4();
        lab.Try("send 0", () => tx.SendTo(Array.Empty<byte>(), rx.LocalEndPoint!));
        await Lab.Settle();
        lab.Note("available", rx.Available);
        lab.Try("poll read", () => rx.Poll(0, SelectMode.SelectRead));
        rx.Blocking = false;
        lab.Try("receive", () => rx.Receive(new byte[8]));
        lab.Try("receive again", () => rx.Receive(new byte[8]));
    }

    public static async Task ReceiveMessageFrom_tells_the_destination_address(Lab lab)
    {
        Socket rx = lab.V4();
        rx.Bind(new IPEndPoint(IPAddress.Any, 0));
        Socket tx = lab.V4();
        tx.SendTo(new byte[5], new IPEndPoint(Loopback2, PortOf(rx)));
        await Lab.Settle();
        rx.Blocking = false;
        SocketFlags flags = SocketFlags.None;
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        lab.Try("receive", () =>
        {
            int n = rx.ReceiveMessageFrom(new byte[16], 0, 16, ref flags, ref from, out IPPacketInformation info);
            return $"{n} to {info.Address} flags {flags}";
        });
        lab.Note("from", from);
    }
}
