using System.Net;
using System.Net.Sockets;

namespace SimNet.Conformance;

public static partial class Scenarios
{
    public static void Default_option_values_IPv4(Lab lab)
    {
        Socket s = lab.V4();
        lab.Note("broadcast", s.EnableBroadcast);
        lab.Note("reuseaddress", s.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress));
        lab.Note("exclusive", s.ExclusiveAddressUse);
        lab.Note("multicast ttl", s.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive));
        lab.Note("multicast loopback", s.MulticastLoopback);
        lab.Note("multicast interface", s.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface));
        lab.Note("ttl", s.Ttl);
        lab.Note("ip ttl option", s.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.IpTimeToLive));
        lab.Note("blocking", s.Blocking);
        lab.Note("receive timeout", s.ReceiveTimeout);
        lab.Note("send timeout", s.SendTimeout);
        lab.Note("receive buffer", s.ReceiveBufferSize);
        lab.Note("send buffer", s.SendBufferSize);
        lab.Note("dontfragment", s.DontFragment);
        lab.Note("type option", s.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Type));
        lab.Note("error option", s.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error));
        lab.Try("nodelay", () => s.NoDelay);
        lab.Try("dualmode", () => s.DualMode);
        lab.Note("local", s.LocalEndPoint);
        lab.Note("remote", s.RemoteEndPoint);
        lab.Note("available", s.Available);
        lab.Note("connected", s.Connected);
        lab.Note("isbound", s.IsBound);
    }

    public static void Default_option_values_IPv6(Lab lab)
    {
        Socket three = lab.V6();
        lab.Note("three-arg family", three.AddressFamily);
        lab.Note("three-arg dualmode", three.DualMode);
        lab.Note("ipv6only option", three.GetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only));
        lab.Note("hop limit", three.Ttl);
        lab.Note("multicast hops", three.GetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive));
        lab.Note("multicast loopback", three.MulticastLoopback);
        lab.Try("ip-level option on v6", () => three.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.IpTimeToLive));
        Socket two = lab.Own(new Socket(SocketType.Dgram, ProtocolType.Udp));
        lab.Note("two-arg family", two.AddressFamily);
        lab.Note("two-arg dualmode", two.DualMode);
    }

    public static void Buffer_sizes_read_back_doubled(Lab lab)
    {
        Socket s = lab.V4();
        s.ReceiveBufferSize = 10000;
        lab.Note("receive 10000", s.ReceiveBufferSize);
        s.SendBufferSize = 10000;
        lab.Note("send 10000", s.SendBufferSize);
        s.ReceiveBufferSize = 1;
        lab.Note("receive 1", s.ReceiveBufferSize);
        s.SendBufferSize = 1;
        lab.Note("send 1", s.SendBufferSize);
        s.ReceiveBufferSize = 0;
        lab.Note("receive 0", s.ReceiveBufferSize);
        lab.Try("receive -1", () => s.ReceiveBufferSize = -1);
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer, 65536);
        lab.Note("option 65536", s.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer));
    }

    public static void Ttl_bounds(Lab lab)
    {
        Socket s = lab.V4();
        lab.Try("ttl 0", () => s.Ttl = 0);
        lab.Try("ttl 1", () => s.Ttl = 1);
        lab.Try("ttl 255", () => s.Ttl = 255);
        lab.Note("ttl", s.Ttl);
        lab.Try("ttl 256", () => s.Ttl = 256);
        lab.Try("ttl -1", () => s.Ttl = -1);
        lab.Try("option -1", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.IpTimeToLive, -1));
        lab.Note("after option -1", s.Ttl);
        lab.Try("option 0", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.IpTimeToLive, 0));
        lab.Try("option 256", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.IpTimeToLive, 256));
        lab.Try("multicast ttl 0", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 0));
        lab.Try("multicast ttl 255", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255));
        lab.Try("multicast ttl 256", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 256));
        lab.Try("multicast ttl -1", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, -1));
        lab.Note("multicast ttl", s.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive));
        Socket s6 = lab.V6();
        lab.Try("hop limit 0", () => s6.Ttl = 0);
        lab.Try("hop limit 255", () => s6.Ttl = 255);
        lab.Try("v6 option -1", () => s6.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IpTimeToLive, -1));
        lab.Note("hop limit", s6.Ttl);
    }

    public static async Task Dual_mode_socket_sees_IPv4_mapped_senders(Lab lab)
    {
        Socket dual = lab.Own(new Socket(SocketType.Dgram, ProtocolType.Udp));
        dual.Bind(new IPEndPoint(IPAddress.IPv6Any, 0));
        lab.Note("local", dual.LocalEndPoint);
        Socket v4 = lab.Bound4();
        v4.SendTo(new byte[4], new IPEndPoint(IPAddress.Loopback, PortOf(dual)));
        Socket v6 = lab.Bound6();
        v6.SendTo(new byte[6], new IPEndPoint(IPAddress.IPv6Loopback, PortOf(dual)));
        await Lab.Settle();
        dual.Blocking = false;
        EndPoint from = new IPEndPoint(IPAddress.IPv6Any, 0);
        lab.Try("first", () => dual.ReceiveFrom(new byte[16], ref from));
        lab.Note("first from", from);
        lab.Try("second", () => dual.ReceiveFrom(new byte[16], ref from));
        lab.Note("second from", from);
        lab.Try("reply to v4 endpoint", () => dual.SendTo(new byte[2], v4.LocalEndPoint!));
        await Lab.Settle();
        lab.Note("v4 available", v4.Available);
        EndPoint v4from = new IPEndPoint(IPAddress.Any, 0);
        v4.Blocking = false;
        lab.Try("v4 receive", () => v4.ReceiveFrom(new byte[8], ref v4from));
        lab.Note("v4 from", v4from);
    }

    public static void Dual_mode_unbound_SendTo_IPv4_binds(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket dual = lab.Own(new Socket(SocketType.Dgram, ProtocolType.Udp));
        lab.Try("sendto v4", () => dual.SendTo(new byte[1], rx.LocalEndPoint!));
        lab.Note("local", dual.LocalEndPoint);
        Socket dual2 = lab.Own(new Socket(SocketType.Dgram, ProtocolType.Udp));
        lab.Try("connect v4", () => dual2.Connect(rx.LocalEndPoint!));
        lab.Note("local2", dual2.LocalEndPoint);
        lab.Note("remote2", dual2.RemoteEndPoint);
        lab.Try("dualmode after bind", () => dual2.DualMode = false);
    }

    public static void Multicast_memberships_on_loopback(Lab lab)
    {
        // Joined by interface index 1 (loopback on both stacks), so nothing leaves the machine.
        var group = IPAddress.Parse("239.255.42.99");
        Socket s = lab.V4();
        lab.Try("join unbound", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group, 1)));
        lab.Try("join twice", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group, 1)));
        lab.Try("join unicast group", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(IPAddress.Parse("10.1.2.3"), 1)));
        lab.Try("drop not member", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.DropMembership, new MulticastOption(IPAddress.Parse("239.255.42.100"), 1)));
        lab.Try("drop member", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.DropMembership, new MulticastOption(group, 1)));
        lab.Try("drop again", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.DropMembership, new MulticastOption(group, 1)));
        lab.Try("join by loopback address", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(group, IPAddress.Loopback)));
        lab.Try("join null object", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, (object)null!));
        lab.Try("join wrong type", () => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, 5));
        lab.Try("read membership", () => s.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership));
        lab.Note("bound", s.IsBound);
    }

    public static async Task ConnectAsync_SocketAsyncEventArgs_validation_order(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket disposed = lab.V4();
        disposed.Dispose();
        lab.Try("disposed, null e", () => disposed.ConnectAsync((SocketAsyncEventArgs)null!));
        Socket s = lab.V4();
        lab.Try("null e", () => s.ConnectAsync((SocketAsyncEventArgs)null!));
        using var withList = new SocketAsyncEventArgs { BufferList = new List<ArraySegment<byte>> { new(new byte[1]) } };
        lab.Try("bufferlist, null remote", () => s.ConnectAsync(withList));
        using var noRemote = new SocketAsyncEventArgs();
        lab.Try("null remote", () => s.ConnectAsync(noRemote));
        using var wrongFamily = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.IPv6Loopback, 9) };
        lab.Try("wrong family", () => s.ConnectAsync(wrongFamily));
        using var good = new SocketAsyncEventArgs { RemoteEndPoint = rx.LocalEndPoint };
        int completed = 0;
        good.Completed += (_, _) => completed++;
        lab.Try("udp connect", () => s.ConnectAsync(good));
        lab.Note("socketerror", good.SocketError);
        lab.Note("lastoperation", good.LastOperation);
        lab.Note("connectsocket is s", ReferenceEquals(good.ConnectSocket, s));
        lab.Note("bytes", good.BytesTransferred);
        lab.Note("remote", s.RemoteEndPoint);
        lab.Note("local", s.LocalEndPoint);
        using var bcast = new SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.Parse("127.255.255.255"), 9) };
        Socket b = lab.V4();
        lab.Try("broadcast", () => b.ConnectAsync(bcast));
        lab.Note("broadcast socketerror", bcast.SocketError);
        lab.Note("broadcast connected", b.Connected);
        using var withBuffer = new SocketAsyncEventArgs { RemoteEndPoint = rx.LocalEndPoint };
        withBuffer.SetBuffer(new byte[5], 0, 5);
        Socket c = lab.V4();
        lab.Try("with buffer", () => c.ConnectAsync(withBuffer));
        lab.Note("with buffer bytes", withBuffer.BytesTransferred);
        await Lab.Settle();
        lab.Note("rx available", rx.Available);
        lab.Note("completed raised", completed);
        using var receiveNoRemote = new SocketAsyncEventArgs();
        receiveNoRemote.SetBuffer(new byte[4], 0, 4);
        lab.Try("receivefromasync(e) null remote", () => rx.ReceiveFromAsync(receiveNoRemote));
    }
}
