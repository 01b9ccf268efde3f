using System.Globalization;
using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Sockets;
using Xunit;
using static SimNet.Properties.WinRT.WinRTWorld;
using HostName = SimNet.Windows.Networking.HostName;
using WinRTAdapter = SimNet.Windows.Networking.Connectivity.NetworkAdapter;

namespace SimNet.Properties.WinRT;

/// <summary>
/// Seed: "If the EndpointPair ... contains a null LocalHostName property, then the system will supply the local IP address",
/// "... an empty LocalServiceName property, then the system will supply the local UDP port", and
/// "The BindServiceNameAsync(String, NetworkAdapter) method can be used to specify a network adapter ... If after calling
/// [it] ... the endpointPair ... specifies a LocalHostName, the ConnectAsync(EndPointPair) method will fail."
/// </summary>
public class LocalEndpointProperties
{
    /// <summary>Topologies where at least one adapter is up with IPv4, and the index of such an adapter.</summary>
    private static readonly Gen<(long Seed, AdapterSpec[] Specs, int Target)> WithReachableSubnet =
        from seed in Seed
        from specs in Adapters
        where specs.Any(a => a.CountsForBroadcast)
        from pick in Gen.Choose(0, 100)
        let candidates = Enumerable.Range(0, specs.Length).Where(i => specs[i].CountsForBroadcast).ToArray()
        select (seed, specs, candidates[pick % candidates.Length]);

    [SimNetProperty(MaxTest = 40)]
    public Property A_null_LocalHostName_lets_the_system_pick_the_address_of_the_adapter_the_route_uses()
    {
        return Prop.ForAll(Arb.From(WithReachableSubnet), Arb.From(Port), (t, port) =>
        {
            Star star = Star.Build(t.Seed, t.Specs);
            var heard = new List<string>();
            star.Listeners[t.Target].Run(async () =>
            {
                var listener = new DatagramSocket();
                listener.MessageReceived += (_, e) => heard.Add(e.RemoteAddress.CanonicalName);
                await listener.BindServiceNameAsync(P(port));
            });
            star.Me.Run(async () =>
            {
                using var socket = Armed();
                await socket.ConnectAsync(new EndpointPair(null, string.Empty, new HostName($"10.{t.Target}.0.2"), P(port)));
                Assert.Equal($"10.{t.Target}.0.1", socket.Information.LocalAddress!.CanonicalName);
                await SendAsync(socket.OutputStream, "x");
                await Pause(star.Sim);
            });
            Assert.Equal(new[] { $"10.{t.Target}.0.1" }, heard);
        });
    }

    [SimNetProperty(MaxTest = 30)]
    public Property An_empty_LocalServiceName_lets_the_system_pick_a_distinct_ephemeral_port_drawn_from_the_seed()
    {
        return Prop.ForAll(Arb.From(Seed), Gen.Choose(1, 6).ToArbitrary(), (seed, count) =>
        {
            int[] Ports()
            {
                Star star = Star.Build(seed, new[] { new AdapterSpec(true, true, false) });
                var ports = new List<int>();
                star.Me.Run(async () =>
                {
                    for (int i = 0; i < count; i++)
                    {
                        var socket = Armed();
                        await socket.ConnectAsync(new EndpointPair(null, string.Empty, new HostName("10.0.0.2"), "7"));
                        ports.Add(int.Parse(socket.Information.LocalPort, CultureInfo.InvariantCulture));
                    }
                });
                return ports.ToArray();
            }

            int[] first = Ports();
            Assert.All(first, p => Assert.InRange(p, 32768, 60999));
            Assert.Equal(first.Length, first.Distinct().Count());
            Assert.Equal(first, Ports());
        });
    }

    [SimNetProperty(MaxTest = 30)]
    public Property A_LocalHostName_and_LocalServiceName_bind_the_connected_socket_there()
    {
        return Prop.ForAll(Arb.From(WithReachableSubnet), Arb.From(Port), (t, port) =>
        {
            Star star = Star.Build(t.Seed, t.Specs);
            star.Me.Run(async () =>
            {
                using var socket = Armed();
                await socket.ConnectAsync(new EndpointPair(new HostName($"10.{t.Target}.0.1"), P(port), new HostName($"10.{t.Target}.0.2"), "9"));
                Assert.Equal($"10.{t.Target}.0.1", socket.Information.LocalAddress!.CanonicalName);
                Assert.Equal(P(port), socket.Information.LocalPort);
            });
        });
    }

    [SimNetProperty(MaxTest = 30)]
    public Property BindServiceNameAsync_with_an_adapter_binds_to_that_adapters_address_and_sends_from_it()
    {
        return Prop.ForAll(Arb.From(WithReachableSubnet), Arb.From(Port), (t, port) =>
        {
            Star star = Star.Build(t.Seed, t.Specs);
            var heard = new List<(string, string)>();
            star.Listeners[t.Target].Run(async () =>
            {
                var listener = new DatagramSocket();
                listener.MessageReceived += (_, e) => heard.Add((e.RemoteAddress.CanonicalName, e.RemotePort));
                await listener.BindServiceNameAsync("4000");
            });
            star.Me.Run(async () =>
            {
                using var socket = Armed();
                await socket.BindServiceNameAsync(P(port), WinRTAdapter.From(star.Me.Adapters[t.Target]));
                Assert.Equal($"10.{t.Target}.0.1", socket.Information.LocalAddress!.CanonicalName);
                await SendAsync(await socket.GetOutputStreamAsync(new HostName($"10.{t.Target}.0.2"), "4000"), "x");
                await Pause(star.Sim);
            });
            Assert.Equal(new[] { ($"10.{t.Target}.0.1", P(port)) }, heard);
        });
    }

    [SimNetProperty(MaxTest = 30)]
    public Property After_BindServiceNameAsync_with_an_adapter_a_ConnectAsync_whose_pair_names_a_LocalHostName_fails()
    {
        return Prop.ForAll(Arb.From(WithReachableSubnet), Arb.From(Port), Gen.Elements("own", "other-adapter", "foreign", "name").ToArbitrary(), (t, port, kind) =>
        {
            Star star = Star.Build(t.Seed, t.Specs);
            star.Me.Run(async () =>
            {
                using var socket = Armed();
                await socket.BindServiceNameAsync(P(port), WinRTAdapter.From(star.Me.Adapters[t.Target]));
                HostName local = kind switch
                {
                    "own" => new HostName($"10.{t.Target}.0.1"),
                    "other-adapter" => new HostName($"10.{(t.Target + 1) % t.Specs.Length}.0.1"),
                    "foreign" => new HostName("192.0.2.1"),
                    _ => new HostName("me"),
                };
                Exception e = await Failure.Of(() => socket.ConnectAsync(new EndpointPair(local, string.Empty, new HostName($"10.{t.Target}.0.2"), "9")));
                Assert.IsType<InvalidOperationException>(e);
                Assert.Equal(Failure.IllegalMethodCall, e.HResult);
                Assert.Null(socket.Information.RemoteAddress);

                // Without a LocalHostName the same connect goes through the adapter's binding.
                await socket.ConnectAsync(new EndpointPair(null, string.Empty, new HostName($"10.{t.Target}.0.2"), "9"));
                Assert.Equal($"10.{t.Target}.0.1", socket.Information.LocalAddress!.CanonicalName);
                Assert.Equal(P(port), socket.Information.LocalPort);
            });
        });
    }

    [Fact]
    public void Port_conflicts_of_adapter_bound_sockets_are_judged_per_adapter()
    {
        Star star = Star.Build(3, new[] { new AdapterSpec(true, true, false), new AdapterSpec(true, true, false) });
        star.Me.Run(async () =>
        {
            var a = Armed();
            await a.BindServiceNameAsync("6000", WinRTAdapter.From(star.Me.Adapters[0]));
            var b = Armed();
            await b.BindServiceNameAsync("6000", WinRTAdapter.From(star.Me.Adapters[1]));
            var c = Armed();
            Exception e = await Failure.Of(() => c.BindServiceNameAsync("6000", WinRTAdapter.From(star.Me.Adapters[0])));
            Assert.Equal(SocketErrorStatus.AddressAlreadyInUse, Failure.Status(e));
            Assert.Equal(unchecked((int)0x80072740), e.HResult);
        });
    }

    [Fact]
    public void A_second_bind_fails_with_E_ILLEGAL_METHOD_CALL()
    {
        Star star = Star.Build(3, new[] { new AdapterSpec(true, true, false) });
        star.Me.Run(async () =>
        {
            using var socket = Armed();
            await socket.BindServiceNameAsync(string.Empty);
            Exception e = await Failure.Of(() => socket.BindEndpointAsync(null, "5000"));
            Assert.Equal(Failure.IllegalMethodCall, e.HResult);
        });
    }

    [Fact]
    public void A_socket_bound_to_an_IPv4_address_cannot_connect_or_send_to_IPv6_AddressFamilyNotSupported()
    {
        Star star = Star.Build(3, new[] { new AdapterSpec(true, true, true) });
        star.Me.Run(async () =>
        {
            using var socket = Armed();
            await socket.BindEndpointAsync(new HostName("10.0.0.1"), string.Empty);
            Exception e = await Failure.Of(async () => await SendAsync(await socket.GetOutputStreamAsync(new HostName("fd00:0::2"), "9"), "x"));
            Assert.Equal(SocketErrorStatus.AddressFamilyNotSupported, Failure.Status(e));
            e = await Failure.Of(() => socket.ConnectAsync(new HostName("fd00:0::2"), "9"));
            Assert.Equal(SocketErrorStatus.AddressFamilyNotSupported, Failure.Status(e));
        });
        Assert.Equal(0, star.Sim.Trace.Count(Tracing.TraceKind.Send));
    }

    [Fact]
    public void Binding_a_foreign_address_fails_with_status_CannotAssignRequestedAddress()
    {
        Star star = Star.Build(3, new[] { new AdapterSpec(true, true, false) });
        star.Me.Run(async () =>
        {
            using var socket = Armed();
            Exception e = await Failure.Of(() => socket.BindEndpointAsync(new HostName("10.0.0.2"), "5000"));
            Assert.Equal(SocketErrorStatus.CannotAssignRequestedAddress, Failure.Status(e));
        });
    }
}
