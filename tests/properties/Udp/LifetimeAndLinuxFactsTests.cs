using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using Xunit;
using static SimNet.Properties.Udp.UdpTestKit;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Udp;

public class LifetimeAndLinuxFactsTests
{
    private static (Simulation Sim, Topology.Host A, Topology.Host B) Lan()
    {
        var sim = new Simulation(5);
        var lan = sim.AddSegment("lan");
        var a = sim.AddHost("a"); a.AddAdapter("eth0", lan, "10.0.0.1/24");
        var b = sim.AddHost("b"); b.AddAdapter("eth0", lan, "10.0.0.2/24", "fd00::2/64");
        return (sim, a, b);
    }

    [SimNetProperty(MaxTest = 30)]
    public Property ReceiveTimeout_passes_in_virtual_time_and_ends_with_TimedOut()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(1, 100_000)), timeout =>
        {
            var (sim, a, _) = Lan();
            using var s = Bound(a, 5000);
            s.ReceiveTimeout = timeout;
            var e = Assert.Throws<SocketException>(() => s.Receive(new byte[1]));
            Assert.Equal(SocketError.TimedOut, e.SocketErrorCode);
            Assert.Equal(TimeSpan.FromMilliseconds(timeout), sim.Clock.Elapsed);
        });
    }

    [SimNetProperty(MaxTest = 20)]
    public Property A_blocking_receive_runs_the_simulation_until_its_datagram_arrives()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(0, 5000)), latencyMs =>
        {
            var (sim, a, b) = Lan();
            sim.Segments[0].Conditions = new Topology.LinkConditions { Latency = TimeSpan.FromMilliseconds(latencyMs) };
            using var rx = Bound(b, 5000);
            using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            tx.SendTo(new byte[] { 1, 2 }, new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
            Assert.Equal(2, rx.Receive(new byte[8]));
            Assert.Equal(TimeSpan.FromMilliseconds(latencyMs), sim.Clock.Elapsed);
        });
    }

    [Fact]
    public async Task A_pending_async_receive_ends_with_OperationAborted_when_the_socket_is_disposed()
    {
        var (_, a, _) = Lan();
        var s = Bound(a, 5000);
        ValueTask<int> pending = s.ReceiveAsync(new byte[8].AsMemory());
        Assert.False(pending.IsCompleted);
        s.Dispose();
        var e = await Assert.ThrowsAsync<SocketException>(async () => await pending);
        Assert.Equal(SocketError.OperationAborted, e.SocketErrorCode);
    }

    [SimNetProperty(MaxTest = 20)]
    public Property A_blocked_receive_ends_with_Interrupted_when_the_socket_is_closed_while_it_waits()
    {
        return Prop.ForAll(Arb.From(Gen.Choose(1, 10_000)), closeAtMs =>
        {
            var (sim, a, _) = Lan();
            var s = Bound(a, 5000);
            sim.Schedule(TimeSpan.FromMilliseconds(closeAtMs), s.Dispose);
            var e = Assert.Throws<SocketException>(() => s.Receive(new byte[8]));
            Assert.Equal(SocketError.Interrupted, e.SocketErrorCode);
            Assert.Equal(TimeSpan.FromMilliseconds(closeAtMs), sim.Clock.Elapsed);
            Assert.Throws<ObjectDisposedException>(() => s.Receive(new byte[8]));
        });
    }

    [Fact]
    public async Task A_receive_cancelled_by_its_token_throws_OperationCanceledException_and_the_socket_stays_usable()
    {
        var (sim, a, b) = Lan();
        using var rx = Bound(b, 5000);
        using var cts = new CancellationTokenSource();
        ValueTask<int> pending = rx.ReceiveAsync(new byte[8].AsMemory(), cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        tx.SendTo(new byte[] { 7 }, new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
        sim.RunUntilIdle();
        Assert.Equal(1, rx.Receive(new byte[8]));
    }

    [Fact]
    public void Available_reports_the_first_datagram_only_and_a_short_buffer_truncates_silently_but_ReceiveMessageFrom_flags_it()
    {
        var (sim, a, b) = Lan();
        using var rx = Bound(b, 5000);
        using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var to = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000);
        tx.SendTo(new byte[100], to);
        tx.SendTo(new byte[50], to);
        tx.SendTo(Array.Empty<byte>(), to);
        sim.RunUntilIdle();
        Assert.Equal(100, rx.Available);
        Assert.Equal(10, rx.Receive(new byte[10]));
        Assert.Equal(50, rx.Available);
        SocketFlags flags = SocketFlags.None;
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        Assert.Equal(20, rx.ReceiveMessageFrom(new byte[20], 0, 20, ref flags, ref from, out _));
        Assert.Equal(SocketFlags.Truncated, flags);
        Assert.Equal(0, rx.Available);
        Assert.Equal(0, rx.Receive(new byte[10])); // the zero-length datagram
    }

    [SimNetProperty(MaxTest = 40)]
    public Property ReceiveMessageFrom_tells_which_local_address_and_adapter_a_datagram_arrived_on()
    {
        return Prop.ForAll(Arb.From(Topologies.Any(minHosts: 2)), spec =>
        {
            var net = new Network(spec);
            using var rx = Bound(net.Hosts[0], 5000);
            int sent = 0;
            for (int h = 1; h < net.Hosts.Length; h++)
            {
                foreach (int segment in spec.HostSegments[h].Where(s => net.IsOn(0, s)))
                {
                    using var tx = new Socket(net.Hosts[h], AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                    tx.SendTo(new byte[] { (byte)segment }, new IPEndPoint(Network.Address(0, segment), 5000));
                    sent++;
                }
            }

            net.Sim.RunUntilIdle();
            for (int i = 0; i < sent; i++)
            {
                var buffer = new byte[4];
                SocketFlags flags = SocketFlags.None;
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                rx.ReceiveMessageFrom(buffer, 0, 4, ref flags, ref from, out SimNet.Sockets.IPPacketInformation info);
                int segment = buffer[0];
                Assert.Equal(Network.Address(0, segment), info.Address);
                Assert.Same(net.AdapterOn(0, segment), info.Adapter);
                Assert.Equal(net.AdapterOn(0, segment).Index, info.Interface);
            }
        });
    }

    [Fact]
    public void A_dual_mode_socket_sees_ipv4_senders_as_ipv4_mapped_addresses()
    {
        var (sim, a, b) = Lan();
        using var rx = new Socket(b, SocketType.Dgram, ProtocolType.Udp);
        Assert.Equal(AddressFamily.InterNetworkV6, rx.AddressFamily);
        Assert.True(rx.DualMode);
        rx.Bind(new IPEndPoint(IPAddress.IPv6Any, 5000));
        using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        tx.SendTo(new byte[] { 1 }, new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
        sim.RunUntilIdle();
        EndPoint from = new IPEndPoint(IPAddress.IPv6Any, 0);
        rx.ReceiveFrom(new byte[4], ref from);
        Assert.Equal(IPAddress.Parse("10.0.0.1").MapToIPv6(), ((IPEndPoint)from).Address);
        Assert.False(new Socket(b, AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp).DualMode);
    }

    [Fact]
    public void Default_options_read_as_linux_reports_them()
    {
        var (_, a, _) = Lan();
        using var s = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Assert.False(s.EnableBroadcast);
        Assert.True(s.ExclusiveAddressUse);
        Assert.Equal(1, s.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive));
        Assert.True(s.MulticastLoopback);
        Assert.Equal(0, s.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface));
        Assert.Equal(64, s.Ttl);
        Assert.True(s.Blocking);
        Assert.Equal(0, s.ReceiveTimeout);
        Assert.Equal(212992, s.ReceiveBufferSize);
        s.ReceiveBufferSize = 1000;
        Assert.Equal(2304, s.ReceiveBufferSize);
        s.ReceiveBufferSize = 50_000;
        Assert.Equal(100_000, s.ReceiveBufferSize);
    }

    [Fact]
    public void A_full_receive_buffer_drops_datagrams_with_a_traced_reason()
    {
        var (sim, a, b) = Lan();
        using var rx = Bound(b, 5000);
        rx.ReceiveBufferSize = 1000; // reads back 2304: room for about two small datagrams with their overhead
        using var tx = new Socket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        for (int i = 0; i < 20; i++)
        {
            tx.SendTo(new byte[64], new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
        }

        sim.RunUntilIdle();
        int queued = Drain(rx).Count;
        Assert.InRange(queued, 1, 19);
        Assert.Equal(20 - queued, sim.Trace.Dropped(Tracing.DropReason.ReceiveBufferFull));
    }

    [Fact]
    public void UdpClient_sends_and_receives_with_the_real_shape()
    {
        var (sim, a, b) = Lan();
        using var server = new SimNet.Sockets.UdpClient(b, 7000);
        using var client = new SimNet.Sockets.UdpClient(a);
        client.Connect("b", 7000);
        client.Send("ping"u8);
        sim.RunUntilIdle();
        IPEndPoint? from = null;
        byte[] got = server.Receive(ref from);
        Assert.Equal("ping"u8.ToArray(), got);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), from!.Address);
        Assert.Throws<InvalidOperationException>(() => client.Send(new byte[1], 1, new IPEndPoint(IPAddress.Loopback, 1)));
    }
}
