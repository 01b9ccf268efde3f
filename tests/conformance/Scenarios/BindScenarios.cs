using System.Net;
using System.Net.Sockets;

namespace SimNet.Conformance;

/// <summary>The scenarios; each public static method is one, named after what it checks.</summary>
public static partial class Scenarios
{
    private static readonly IPAddress Loopback2 = IPAddress.Parse("127.0.0.2");

    /// <summary>An address no host of either run owns (TEST-NET-2, RFC 5737).</summary>
    private static readonly IPAddress Foreign = IPAddress.Parse("198.51.100.7");

    private static int PortOf(Socket s) => ((IPEndPoint)s.LocalEndPoint!).Port;

    public static void Bind_twice_is_InvalidArgument(Lab lab)
    {
        Socket s = lab.Bound4();
        lab.Note("local", s.LocalEndPoint);
        lab.Try("bind again same", () => s.Bind(s.LocalEndPoint!));
        lab.Try("bind again other", () => s.Bind(new IPEndPoint(IPAddress.Loopback, 0)));
        lab.Note("local after", s.LocalEndPoint);
    }

    public static void Bind_after_connect_is_InvalidArgument(Lab lab)
    {
        Socket peer = lab.Bound4();
        Socket s = lab.V4();
        s.Connect(peer.LocalEndPoint!);
        lab.Note("local after connect", s.LocalEndPoint);
        lab.Note("remote", s.RemoteEndPoint);
        lab.Try("bind", () => s.Bind(new IPEndPoint(IPAddress.Loopback, 0)));
    }

    public static void Port_in_use_is_AddressAlreadyInUse(Lab lab)
    {
        Socket a = lab.Bound4();
        Socket b = lab.V4();
        lab.Try("same endpoint", () => b.Bind(a.LocalEndPoint!));
        lab.Note("b bound", b.IsBound);
    }

    public static void Reuse_on_newcomer_only_is_AddressAlreadyInUse(Lab lab)
    {
        Socket a = lab.Bound4();
        Socket b = lab.V4();
        b.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        lab.Try("bind", () => b.Bind(a.LocalEndPoint!));
    }

    public static void Reuse_on_first_only_is_AddressAlreadyInUse(Lab lab)
    {
        Socket a = lab.V4();
        a.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Socket b = lab.V4();
        lab.Try("bind", () => b.Bind(a.LocalEndPoint!));
    }

    public static async Task Reuse_on_both_shares_the_port_and_one_socket_gets_each_datagram(Lab lab)
    {
        Socket a = lab.V4();
        a.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Socket b = lab.V4();
        b.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        lab.Try("bind", () => b.Bind(a.LocalEndPoint!));
        lab.Note("exclusive reads", b.ExclusiveAddressUse);
        Socket tx = lab.V4();
        tx.SendTo(new byte[5], a.LocalEndPoint!);
        await Lab.Settle();
        lab.Note("available a+b", a.Available + b.Available);
        lab.Note("exactly one has it", (a.Available == 5) ^ (b.Available == 5));
    }

    public static void Any_after_specific_on_same_port_is_AddressAlreadyInUse(Lab lab)
    {
        Socket a = lab.Bound4();
        Socket b = lab.V4();
        lab.Try("bind 0.0.0.0", () => b.Bind(new IPEndPoint(IPAddress.Any, PortOf(a))));
    }

    public static void Specific_after_any_on_same_port_is_AddressAlreadyInUse(Lab lab)
    {
        Socket a = lab.V4();
        a.Bind(new IPEndPoint(IPAddress.Any, 0));
        lab.Note("local", a.LocalEndPoint);
        Socket b = lab.V4();
        lab.Try("bind 127.0.0.1", () => b.Bind(new IPEndPoint(IPAddress.Loopback, PortOf(a))));
    }

    public static void Two_loopback_addresses_share_a_port(Lab lab)
    {
        Socket a = lab.Bound4();
        Socket b = lab.V4();
        lab.Try("bind 127.0.0.2", () => b.Bind(new IPEndPoint(Loopback2, PortOf(a))));
        lab.Note("b local", b.LocalEndPoint);
    }

    public static void Address_not_on_host_is_AddressNotAvailable(Lab lab)
    {
        Socket s = lab.V4();
        lab.Try("bind", () => s.Bind(new IPEndPoint(Foreign, 0)));
        lab.Note("bound", s.IsBound);
        Socket s6 = lab.V6();
        lab.Try("bind v6", () => s6.Bind(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 0)));
    }

    public static void ExclusiveAddressUse_after_bind_is_InvalidOperation(Lab lab)
    {
        Socket s = lab.V4();
        lab.Note("default", s.ExclusiveAddressUse);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lab.Try("set true", () => s.ExclusiveAddressUse = true);
        lab.Try("set false", () => s.ExclusiveAddressUse = false);
        lab.Note("reads", s.ExclusiveAddressUse);
    }

    public static void SendTo_while_unbound_binds_any_ephemeral(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket s = lab.V4();
        lab.Note("bound before", s.IsBound);
        lab.Try("sendto", () => s.SendTo(new byte[1], rx.LocalEndPoint!));
        lab.Note("local", s.LocalEndPoint);
        lab.Note("port is ephemeral", PortOf(s) is >= 32768 and <= 60999);
    }

    public static void Connect_while_unbound_binds_route_address(Lab lab)
    {
        Socket rx = lab.Bound4();
        Socket s = lab.V4();
        s.Connect(new IPEndPoint(Loopback2, PortOf(rx)));
        lab.Note("local", s.LocalEndPoint);
        lab.Note("remote", s.RemoteEndPoint);
        lab.Note("connected", s.Connected);
    }

    public static void IPv6_only_and_IPv4_share_a_port_but_dual_mode_does_not(Lab lab)
    {
        Socket v4 = lab.V4();
        v4.Bind(new IPEndPoint(IPAddress.Any, 0));
        Socket v6only = lab.V6();
        lab.Try("v6only [::]", () => v6only.Bind(new IPEndPoint(IPAddress.IPv6Any, PortOf(v4))));
        Socket dual = lab.V6();
        dual.DualMode = true;
        lab.Try("dual [::]", () => dual.Bind(new IPEndPoint(IPAddress.IPv6Any, PortOf(v4))));
        Socket v6b = lab.V6();
        lab.Try("second v6only [::]", () => v6b.Bind(new IPEndPoint(IPAddress.IPv6Any, PortOf(v4))));
    }

    public static void IPv6_loopback_port_in_use(Lab lab)
    {
        Socket a = lab.Bound6();
        lab.Note("local", a.LocalEndPoint);
        Socket b = lab.V6();
        lab.Try("same", () => b.Bind(a.LocalEndPoint!));
        Socket c = lab.V4();
        lab.Try("v4 127.0.0.1 same port", () => c.Bind(new IPEndPoint(IPAddress.Loopback, PortOf(a))));
    }

    public static void Bad_endpoints_to_bind(Lab lab)
    {
        Socket s = lab.V4();
        lab.Try("null", () => s.Bind(null!));
        lab.Try("v6 endpoint", () => s.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0)));
        lab.Try("dns endpoint", () => s.Bind(new DnsEndPoint("localhost", 0)));
        Socket s6 = lab.V6();
        lab.Try("v4 on v6only", () => s6.Bind(new IPEndPoint(IPAddress.Loopback, 0)));
    }
}
