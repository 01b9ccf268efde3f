using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Sockets;
using SimNet.Windows.Storage.Streams;
using Xunit;
using static SimNet.Properties.WinRT.WinRTWorld;
using HostName = SimNet.Windows.Networking.HostName;

namespace SimNet.Properties.WinRT;

/// <summary>How MessageReceived is raised, ICMP errors, CancelIOAsync, Dispose, Control and multicast.</summary>
public class DispatchAndLifetimeTests
{
    [SimNetProperty(MaxTest = 20)]
    public Property MessageReceived_is_raised_on_the_simulation_context_as_code_of_the_sockets_host_never_inside_the_senders_write()
    {
        return Prop.ForAll(Arb.From(Seed), Gen.Choose(1, 8).ToArbitrary(), (seed, count) =>
        {
            Star star = Star.Build(seed, new[] { new AdapterSpec(true, true, false) });
            bool inWrite = false;
            var seen = new List<(bool InWrite, SynchronizationContext? Context, Host? Host, string Text)>();
            SynchronizationContext? simContext = null;
            star.Me.Run(async () =>
            {
                simContext = SynchronizationContext.Current;
                using var socket = new DatagramSocket();
                socket.MessageReceived += (_, e) => seen.Add((inWrite, SynchronizationContext.Current, Host.Current, Text(e)));
                await socket.BindServiceNameAsync("5000");
                var self = await socket.GetOutputStreamAsync(new HostName("127.0.0.1"), "5000");
                for (int i = 0; i < count; i++)
                {
                    int before = seen.Count;
                    inWrite = true;
                    Task write = self.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"m{i}"));
                    inWrite = false;
                    Assert.Equal(before, seen.Count);
                    await write;
                }

                await Pause(star.Sim);
            });
            Assert.Equal(Enumerable.Range(0, count).Select(i => $"m{i}"), seen.Select(s => s.Text));
            Assert.All(seen, s =>
            {
                Assert.False(s.InWrite);
                Assert.Same(simContext, s.Context);
                Assert.Same(star.Me, s.Host);
            });
        });
    }

    [Fact]
    public void After_ICMP_port_unreachable_a_connected_sockets_GetDataReader_throws_with_status_ConnectionResetByPeer()
    {
        Star star = Star.Build(8, new[] { new AdapterSpec(true, true, false) });
        var statuses = new List<SocketErrorStatus>();
        star.Me.Run(async () =>
        {
            using var socket = new DatagramSocket();
            socket.MessageReceived += (_, e) =>
            {
                Assert.Equal("10.0.0.2", e.RemoteAddress.CanonicalName);
                statuses.Add(Failure.Status(Failure.OfSync(() => e.GetDataReader())));
            };
            await socket.ConnectAsync(new HostName("10.0.0.2"), "9999");
            await SendAsync(socket.OutputStream, "anyone?");
            await Pause(star.Sim);
        });
        Assert.Equal(new[] { SocketErrorStatus.ConnectionResetByPeer }, statuses);
        Assert.Equal(1, star.Sim.Trace.Dropped(DropReason.PortUnreachable));
    }

    [Fact]
    public void Dispose_stops_MessageReceived_frees_the_port_and_later_calls_throw_ObjectDisposedException()
    {
        Star star = Star.Build(8, new[] { new AdapterSpec(true, true, false) });
        star.Me.Run(async () =>
        {
            int raised = 0;
            var socket = new DatagramSocket();
            socket.MessageReceived += (_, _) => raised++;
            await socket.BindServiceNameAsync("5000");
            var self = await socket.GetOutputStreamAsync(new HostName("127.0.0.1"), "5000");
            await SendAsync(self, "x");
            socket.Dispose();
            await Pause(star.Sim);
            Assert.Equal(0, raised);
            Assert.IsType<ObjectDisposedException>(await Failure.Of(() => socket.BindServiceNameAsync("5001")));
            using var again = Armed();
            await again.BindServiceNameAsync("5000");
        });
    }

    [Fact]
    public void CancelIOAsync_completes_and_the_socket_keeps_receiving()
    {
        Star star = Star.Build(8, new[] { new AdapterSpec(true, true, false) });
        star.Me.Run(async () =>
        {
            var got = new List<string>();
            using var socket = new DatagramSocket();
            socket.MessageReceived += (_, e) => got.Add(Text(e));
            await socket.BindServiceNameAsync("5000");
            await socket.CancelIOAsync();
            await SendAsync(await socket.GetOutputStreamAsync(new HostName("127.0.0.1"), "5000"), "still here");
            await Pause(star.Sim);
            Assert.Equal(new[] { "still here" }, got);
        });
    }

    [Fact]
    public void Control_settings_other_than_the_hop_limit_can_be_set_only_before_bind_or_connect()
    {
        Star star = Star.Build(8, new[] { new AdapterSpec(true, true, false) });
        star.Me.Run(async () =>
        {
            using var socket = new DatagramSocket();
            Assert.Equal(128, socket.Control.OutboundUnicastHopLimit);
            socket.Control.InboundBufferSizeInBytes = 4096;
            socket.Control.DontFragment = true;
            socket.Control.QualityOfService = SocketQualityOfService.LowLatency;
            socket.MessageReceived += (_, _) => { };
            await socket.ConnectAsync(new HostName("10.0.0.2"), "9");
            socket.Control.OutboundUnicastHopLimit = 7;
            Assert.Equal(7, socket.Control.OutboundUnicastHopLimit);
            foreach (Action set in new Action[]
            {
                () => socket.Control.InboundBufferSizeInBytes = 1,
                () => socket.Control.DontFragment = false,
                () => socket.Control.QualityOfService = SocketQualityOfService.Normal,
                () => socket.Control.MulticastOnly = true,
            })
            {
                Assert.Equal(Failure.IllegalMethodCall, Failure.OfSync(set).HResult);
            }

            Assert.Equal(4096u, socket.Control.InboundBufferSizeInBytes);
        });
    }

    [Fact]
    public void DontFragment_makes_a_datagram_larger_than_the_MTU_fail_with_status_MessageTooLong()
    {
        Star star = Star.Build(8, new[] { new AdapterSpec(true, true, false) });
        star.Me.Run(async () =>
        {
            using var socket = new DatagramSocket();
            socket.Control.DontFragment = true;
            socket.MessageReceived += (_, _) => { };
            await socket.ConnectAsync(new HostName("10.0.0.2"), "9");
            await socket.OutputStream.WriteAsync(new byte[1472]);
            Exception e = await Failure.Of(() => socket.OutputStream.WriteAsync(new byte[1473]));
            Assert.Equal(SocketErrorStatus.MessageTooLong, Failure.Status(e));
        });
    }

    [Fact]
    public void JoinMulticastGroup_after_bind_receives_datagrams_sent_to_the_group_and_MulticastOnly_sockets_share_the_port()
    {
        Star star = Star.Build(8, new[] { new AdapterSpec(true, true, false), new AdapterSpec(true, true, false) });
        var got = new List<string>[] { new(), new() };
        star.Me.Run(async () =>
        {
            for (int i = 0; i < 2; i++)
            {
                int index = i;
                var socket = new DatagramSocket();
                socket.Control.MulticastOnly = true;
                socket.MessageReceived += (_, e) => got[index].Add(e.LocalAddress.CanonicalName + " " + Text(e));
                Assert.Equal(Failure.IllegalMethodCall, Failure.OfSync(() => socket.JoinMulticastGroup(new HostName("239.1.2.3"))).HResult);
                await socket.BindServiceNameAsync("6000");
                socket.JoinMulticastGroup(new HostName("239.1.2.3"));
                Assert.IsAssignableFrom<ArgumentException>(Failure.OfSync(() => socket.JoinMulticastGroup(new HostName("10.0.0.9"))));
            }
        });
        star.Listeners[1].AddRoute("224.0.0.0/4", star.Listeners[1].Adapters[0]);
        star.Listeners[1].Run(async () =>
        {
            using var sender = new DatagramSocket();
            await SendAsync(await sender.GetOutputStreamAsync(new HostName("239.1.2.3"), "6000"), "group");
            await Pause(star.Sim);
        });
        Assert.All(got, g => Assert.Equal(new[] { "10.1.0.1 group" }, g));
    }

    [SimNetProperty(MaxTest = 20)]
    public Property OutboundUnicastHopLimit_is_the_TTL_a_router_decrements()
    {
        return Prop.ForAll(Gen.Choose(1, 4).ToArbitrary(), Gen.Choose(1, 3).ToArbitrary(), (hopLimit, routers) =>
        {
            var sim = new Simulation(hopLimit * 10 + routers);
            var segments = Enumerable.Range(0, routers + 1).Select(i => sim.AddSegment($"s{i}")).ToArray();
            Host me = sim.AddHost("me");
            me.AddAdapter("eth0", segments[0], "10.0.0.1/24");
            me.AddDefaultRoute("10.0.0.254");
            for (int r = 0; r < routers; r++)
            {
                Host router = sim.AddRouter($"r{r}");
                router.AddAdapter("in", segments[r], $"10.{r}.0.254/24");
                router.AddAdapter("out", segments[r + 1], $"10.{r + 1}.0.253/24");
                if (r + 1 < routers)
                {
                    router.AddDefaultRoute($"10.{r + 1}.0.254");
                }

                if (r > 0)
                {
                    router.AddRoute("10.0.0.0/24", $"10.{r}.0.253");
                }
            }

            Host far = sim.AddHost("far");
            far.AddAdapter("eth0", segments[routers], $"10.{routers}.0.1/24");
            var heard = new List<string>();
            far.Run(async () => heard = (await ListenAsync(5000)).Got);
            me.Run(async () =>
            {
                using var socket = new DatagramSocket();
                socket.Control.OutboundUnicastHopLimit = (byte)hopLimit;
                socket.MessageReceived += (_, _) => { };
                await socket.ConnectAsync(new HostName($"10.{routers}.0.1"), "5000");
                await SendAsync(socket.OutputStream, "hop");
                await Pause(sim);
            });
            Assert.Equal(hopLimit > routers ? new[] { "hop" } : Array.Empty<string>(), heard);
            Assert.Equal(hopLimit > routers ? 0 : 1, sim.Trace.Dropped(DropReason.TtlExpired));
        });
    }

    [Fact]
    public void GetOutputStreamAsync_with_an_EndpointPair_binds_to_its_local_part_once()
    {
        Star star = Star.Build(8, new[] { new AdapterSpec(true, true, false), new AdapterSpec(true, true, false) });
        var heard = new List<(string, string)>();
        star.Listeners[1].Run(async () =>
        {
            var s = new DatagramSocket();
            s.MessageReceived += (_, e) => heard.Add((e.RemoteAddress.CanonicalName, e.RemotePort));
            await s.BindServiceNameAsync("5000");
        });
        star.Me.Run(async () =>
        {
            using var socket = new DatagramSocket();
            var pair = new EndpointPair(new HostName("10.1.0.1"), "5555", new HostName("10.1.0.2"), "5000");
            await SendAsync(await socket.GetOutputStreamAsync(pair), "x");
            Assert.Equal("5555", socket.Information.LocalPort);
            Assert.Equal(Failure.IllegalMethodCall, (await Failure.Of(() => socket.GetOutputStreamAsync(pair))).HResult);
            await SendAsync(await socket.GetOutputStreamAsync(new EndpointPair(null, string.Empty, new HostName("10.1.0.2"), "5000")), "y");
            await Pause(star.Sim);
        });
        Assert.Equal(new[] { ("10.1.0.1", "5555"), ("10.1.0.1", "5555") }, heard);
    }

    [Fact]
    public void A_second_ConnectAsync_fails_with_E_ILLEGAL_METHOD_CALL_and_writing_before_connect_too()
    {
        Star star = Star.Build(8, new[] { new AdapterSpec(true, true, false) });
        star.Me.Run(async () =>
        {
            using var socket = Armed();
            Assert.Equal(Failure.IllegalMethodCall, (await Failure.Of(() => socket.OutputStream.WriteAsync(new byte[1]))).HResult);
            await socket.ConnectAsync(new HostName("10.0.0.2"), "9");
            Assert.Equal(Failure.IllegalMethodCall, (await Failure.Of(() => socket.ConnectAsync(new HostName("10.0.0.3"), "9"))).HResult);
            Assert.Equal("10.0.0.2", socket.Information.RemoteAddress!.CanonicalName);
        });
    }

    [SimNetProperty(MaxTest = 20)]
    public Property The_same_seed_gives_the_same_trace_hash()
    {
        return Prop.ForAll(Arb.From(Seed), Arb.From(Adapters), (seed, specs) =>
        {
            ulong Run()
            {
                Star star = Star.Build(seed, specs, TimeSpan.FromMilliseconds(2));
                star.Me.Run(async () =>
                {
                    using var socket = Armed();
                    await socket.BindServiceNameAsync(string.Empty);
                    try
                    {
                        await SendAsync(await socket.GetOutputStreamAsync(new HostName("255.255.255.255"), "9"), "b");
                    }
                    catch (System.Runtime.InteropServices.COMException)
                    {
                    }

                    await Pause(star.Sim);
                });
                return star.Sim.Trace.Hash;
            }

            Assert.Equal(Run(), Run());
        });
    }
}
