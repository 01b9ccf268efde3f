using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using Xunit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Udp;

public class BadInputProperties
{
    private static (Simulation Sim, Socket V4, Socket V6) Sockets()
    {
        var sim = new Simulation(3);
        var h = sim.AddHost("h");
        return (sim, new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp),
            new Socket(h, AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp));
    }

    [Fact]
    public void Null_endpoints_raise_ArgumentNullException_naming_the_parameter()
    {
        var (_, s, _) = Sockets();
        Assert.Equal("localEP", Assert.Throws<ArgumentNullException>(() => s.Bind(null!)).ParamName);
        Assert.Equal("remoteEP", Assert.Throws<ArgumentNullException>(() => s.Connect((EndPoint)null!)).ParamName);
        Assert.Equal("remoteEP", Assert.Throws<ArgumentNullException>(() => s.SendTo(new byte[1], (EndPoint)null!)).ParamName);
        Assert.Equal("buffer", Assert.Throws<ArgumentNullException>(() => s.Send((byte[])null!)).ParamName);
        Assert.Throws<ArgumentNullException>(() => s.ConnectAsync((SimNet.Sockets.SocketAsyncEventArgs)null!));
    }

    [SimNetProperty(MaxTest = 20)]
    public Property A_wrong_family_endpoint_raises_AddressFamilyNotSupported_and_a_DnsEndPoint_to_SendTo_ArgumentException()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(0, 65535)), port =>
        {
            var (_, v4, v6) = Sockets();
            var v6Endpoint = new IPEndPoint(IPAddress.IPv6Loopback, port);
            var v4Endpoint = new IPEndPoint(IPAddress.Loopback, port);
            Assert.Equal(SocketError.AddressFamilyNotSupported, Assert.Throws<SocketException>(() => v4.SendTo(new byte[1], v6Endpoint)).SocketErrorCode);
            Assert.Equal(SocketError.AddressFamilyNotSupported, Assert.Throws<SocketException>(() => v4.Connect(v6Endpoint)).SocketErrorCode);
            Assert.Equal(SocketError.AddressFamilyNotSupported, Assert.Throws<SocketException>(() => v4.Bind(v6Endpoint)).SocketErrorCode);
            // Measured on real loopback (tests/conformance): the runtime maps the IPv4 endpoint and the kernel answers ENETUNREACH.
            Assert.Equal(SocketError.NetworkUnreachable, Assert.Throws<SocketException>(() => v6.SendTo(new byte[1], v4Endpoint)).SocketErrorCode);
            Assert.Throws<ArgumentException>(() => v4.SendTo(new byte[1], new DnsEndPoint("h", port)));
            Assert.Throws<NotSupportedException>(() => v4.ConnectAsync(new SimNet.Sockets.SocketAsyncEventArgs { RemoteEndPoint = v6Endpoint }));
        });
    }

    [SimNetProperty(MaxTest = 50)]
    public Property Negative_or_out_of_range_sizes_and_offsets_raise_ArgumentOutOfRangeException()
    {
        return Prop.ForAll(Arb.From(from length in Gen.Choose(0, 64)
            from offset in Gen.Choose(-5, 70)
            from size in Gen.Choose(-5, 70)
            where offset < 0 || size < 0 || offset > length || size > length - offset
            select (length, offset, size)), c =>
            {
                var (_, s, _) = Sockets();
                s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                var buffer = new byte[c.length];
                EndPoint any = new IPEndPoint(IPAddress.Any, 0);
                Assert.Throws<ArgumentOutOfRangeException>(() => s.SendTo(buffer, c.offset, c.size, SocketFlags.None, new IPEndPoint(IPAddress.Loopback, 1)));
                Assert.Throws<ArgumentOutOfRangeException>(() => s.Receive(buffer, c.offset, c.size, SocketFlags.None));
                Assert.Throws<ArgumentOutOfRangeException>(() => s.ReceiveFrom(buffer, c.offset, c.size, SocketFlags.None, ref any));
            });
    }

    [Fact]
    public void After_dispose_members_raise_ObjectDisposedException_but_Connected_is_false_and_identity_stays_readable()
    {
        var (_, s, _) = Sockets();
        s.Dispose();
        s.Dispose(); // twice is fine
        Assert.False(s.Connected);
        Assert.Equal(AddressFamily.InterNetwork, s.AddressFamily);
        Assert.Equal(SocketType.Dgram, s.SocketType);
        Assert.Throws<ObjectDisposedException>(() => s.Bind(new IPEndPoint(IPAddress.Loopback, 0)));
        Assert.Throws<ObjectDisposedException>(() => s.SendTo(new byte[1], new IPEndPoint(IPAddress.Loopback, 1)));
        Assert.Throws<ObjectDisposedException>(() => s.Receive(new byte[1]));
        Assert.Throws<ObjectDisposedException>(() => s.LocalEndPoint);
        Assert.Throws<ObjectDisposedException>(() => s.Available);
        Assert.Throws<ObjectDisposedException>(() => s.ConnectAsync(new SimNet.Sockets.SocketAsyncEventArgs { RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 1) }));
        Assert.Throws<ObjectDisposedException>(() => s.EnableBroadcast = true);
    }

    [Fact]
    public void Unsupported_kinds_and_options_fail_as_on_linux()
    {
        var (sim, s, _) = Sockets();
        Assert.Equal(SocketError.OperationNotSupported, Assert.Throws<SocketException>(() => s.NoDelay = true).SocketErrorCode); // linux-sockets.md; measured
        Assert.Equal(SocketError.OperationNotSupported, Assert.Throws<SocketException>(() => s.Listen()).SocketErrorCode);
        Assert.Equal(SocketError.DestinationAddressRequired, Assert.Throws<SocketException>(() => s.Send(new byte[1])).SocketErrorCode);
        Assert.Equal(SocketError.NotConnected, Assert.Throws<SocketException>(() => s.Shutdown(SocketShutdown.Send)).SocketErrorCode);
        Assert.Throws<InvalidOperationException>(() => { EndPoint any = new IPEndPoint(IPAddress.Any, 0); s.ReceiveFrom(new byte[1], ref any); });
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Ttl = 300);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.ReceiveTimeout = -2);
        Assert.Throws<NotSupportedException>(() => s.DualMode = true);
        Assert.Equal(SocketError.InvalidArgument, Assert.Throws<SocketException>(() => s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 300)).SocketErrorCode);
        Assert.Equal(SocketError.ProtocolType, Assert.Throws<SocketException>(() => new Socket(sim.Hosts[0], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Tcp)).SocketErrorCode);
    }
}
