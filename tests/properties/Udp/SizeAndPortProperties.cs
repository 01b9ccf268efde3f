using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Tracing;
using Xunit;
using static SimNet.Properties.Udp.UdpTestKit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Udp;

public class SizeAndPortProperties
{
    private sealed record SizeCase(int Size, int Mtu, bool DontFragment, bool V6);

    private static Gen<SizeCase> SizeCases() =>
        from size in Gen.OneOf(Gen.Choose(0, 9000), Gen.Choose(65400, 65600))
        from mtu in Gen.Choose(576, 9000)
        from df in Gen.Elements(true, false)
        from v6 in Gen.Elements(true, false)
        select new SizeCase(size, mtu, df, v6);

    [SimNetProperty]
    public Property Datagrams_over_65507_bytes_or_over_the_mtu_with_DontFragment_fail_with_MessageSize_and_the_rest_are_delivered_whole()
    {
        return Prop.ForAll(Arb.From(SizeCases()), c =>
        {
            var sim = new Simulation(1);
            var lan = sim.AddSegment("lan");
            var a = sim.AddHost("a");
            a.AddAdapter("eth0", lan, c.V6 ? "fd00::1/64" : "10.0.0.1/24").Mtu = c.Mtu;
            var b = sim.AddHost("b");
            b.AddAdapter("eth0", lan, c.V6 ? "fd00::2/64" : "10.0.0.2/24");
            var family = c.V6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
            using var rx = Bound(b, c.V6 ? IPAddress.IPv6Any : IPAddress.Any, 5000);
            using var tx = new Socket(a, family, SocketType.Dgram, ProtocolType.Udp) { DontFragment = c.DontFragment };
            int max = c.V6 ? 65527 : 65507;
            int headers = c.V6 ? 48 : 28;
            bool tooBig = c.Size > max || (c.DontFragment && c.Size + headers > c.Mtu);
            var payload = new byte[c.Size];
            payload.AsSpan().Fill(0x5A);
            SocketError error = ErrorOf(() => tx.SendTo(payload, new IPEndPoint(IPAddress.Parse(c.V6 ? "fd00::2" : "10.0.0.2"), 5000)));
            sim.RunUntilIdle();
            Assert.Equal(tooBig ? SocketError.MessageSize : SocketError.Success, error);
            var got = Drain(rx);
            Assert.Equal(tooBig ? 0 : 1, got.Count);
            if (!tooBig)
            {
                Assert.Equal(payload, got[0].Payload);
            }
        });
    }

    private sealed record BindRequest(int AddressChoice, int Port, bool Reuse);

    private static Gen<BindRequest[]> BindSequences() =>
        Gen.ArrayOf(
            from address in Gen.Choose(0, 2)
            from port in Gen.Elements(0, 5000, 5001)
            from reuse in Gen.Elements(true, false)
            select new BindRequest(address, port, reuse));

    private static readonly IPAddress[] BindAddresses = { IPAddress.Any, IPAddress.Parse("10.0.0.1"), IPAddress.Loopback };

    [SimNetProperty]
    public Property Two_sockets_never_share_a_port_unless_both_set_ReuseAddress_and_ephemeral_ports_are_unique()
    {
        return Prop.ForAll(Arb.From(BindSequences()), requests =>
        {
            var sim = new Simulation(11);
            var h = sim.AddHost("h");
            h.AddAdapter("eth0", sim.AddSegment("lan"), "10.0.0.1/24");
            var bound = new List<(IPAddress Address, int Port, bool Reuse)>();
            var sockets = new List<Socket>();
            foreach (BindRequest r in requests)
            {
                var s = new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, r.Reuse);
                IPAddress address = BindAddresses[r.AddressChoice];
                bool Overlaps((IPAddress Address, int Port, bool Reuse) b, int port) =>
                    b.Port == port && (b.Address.Equals(address) || b.Address.Equals(IPAddress.Any) || address.Equals(IPAddress.Any));
                SocketError error = ErrorOf(() => s.Bind(new IPEndPoint(address, r.Port)));
                if (r.Port == 0)
                {
                    Assert.Equal(SocketError.Success, error);
                    int port = ((IPEndPoint)s.LocalEndPoint!).Port;
                    Assert.InRange(port, 32768, 60999);
                    Assert.DoesNotContain(bound, b => Overlaps(b, port));
                    bound.Add((address, port, r.Reuse));
                }
                else
                {
                    bool conflict = bound.Exists(b => Overlaps(b, r.Port) && !(b.Reuse && r.Reuse));
                    Assert.Equal(conflict ? SocketError.AddressAlreadyInUse : SocketError.Success, error);
                    if (!conflict)
                    {
                        bound.Add((address, r.Port, r.Reuse));
                    }
                }

                sockets.Add(s);
            }

            sockets.ForEach(s => s.Dispose());
        });
    }

    [SimNetProperty(MaxTest = 30)]
    public Property Ephemeral_ports_are_deterministic_for_a_seed()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue).Select(s => (long)s)), seed =>
        {
            int[] Ports()
            {
                var sim = new Simulation(seed);
                var h = sim.AddHost("h");
                return Enumerable.Range(0, 20).Select(_ =>
                {
                    var s = new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                    return ((IPEndPoint)s.LocalEndPoint!).Port;
                }).ToArray();
            }

            int[] first = Ports();
            Assert.Equal(first, Ports());
            Assert.Equal(first.Length, first.Distinct().Count());
        });
    }

    [Fact]
    public void Binding_follows_linux_twice_is_InvalidArgument_a_foreign_address_AddressNotAvailable_and_any_conflicts_with_a_specific_address()
    {
        var sim = new Simulation(1);
        var h = sim.AddHost("h");
        using var a = Bound(h, IPAddress.Loopback, 6000);
        Assert.Equal(SocketError.InvalidArgument, ErrorOf(() => a.Bind(new IPEndPoint(IPAddress.Loopback, 6001))));
        using var b = new Socket(h, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Assert.Equal(SocketError.AddressNotAvailable, ErrorOf(() => b.Bind(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 6000))));
        Assert.Equal(SocketError.AddressAlreadyInUse, ErrorOf(() => b.Bind(new IPEndPoint(IPAddress.Any, 6000))));
        b.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 6000));
        Assert.Throws<InvalidOperationException>(() => b.ExclusiveAddressUse = true);
    }
}
