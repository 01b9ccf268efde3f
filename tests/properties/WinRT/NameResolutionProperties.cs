using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Sockets;
using Xunit;
using static SimNet.Properties.WinRT.WinRTWorld;
using HostName = SimNet.Windows.Networking.HostName;

namespace SimNet.Properties.WinRT;

/// <summary>
/// Seed: "If the RemoteHostName property contains a hostname, then the ConnectAsync(EndPointPair) method will resolve the
/// remote hostname to an IP address. If the RemoteServiceName ... contains a service name, then [it] will resolve the remote
/// service name to a UDP port number" (through the host's resolver: DNS for names, the services file then DNS SRV for services).
/// </summary>
public class NameResolutionProperties
{
    [SimNetProperty(MaxTest = 40)]
    public Property A_remote_host_name_resolves_through_the_hosts_resolver_to_the_first_address_it_has_a_route_to()
    {
        return Prop.ForAll(Arb.From(Seed), Arb.From(Adapters), Arb.From(from i in Gen.Choose(0, 3) from p in Port select (i, p)), (seed, specs, ip) =>
        {
            (int pick, int port) = ip;
            int target = pick % specs.Length;
            Star star = Star.Build(seed, specs);
            var heard = new List<string>();
            star.Listeners[target].Run(async () => heard = (await ListenAsync(port)).Got);
            AdapterSpec mine = specs[target];
            string? expected = !mine.Up ? null : mine.HasIPv4 ? $"10.{target}.0.2" : mine.HasIPv6 ? System.Net.IPAddress.Parse($"fd00:{target}::2").ToString() : null;
            star.Me.Run(async () =>
            {
                using var socket = Armed();
                Task connect = socket.ConnectAsync(new HostName($"L{target}"), P(port));
                if (expected is null)
                {
                    Exception e = await Failure.Of(() => connect);
                    Assert.Contains(Failure.Status(e), new[] { SocketErrorStatus.NetworkIsUnreachable, SocketErrorStatus.CannotAssignRequestedAddress });
                    return;
                }

                await connect;
                Assert.Equal(expected, socket.Information.RemoteAddress!.CanonicalName);
                await SendAsync(socket.OutputStream, "by name");
                await Pause(star.Sim);
            });
            Assert.Equal(expected is null ? Array.Empty<string>() : new[] { "by name" }, heard);
        });
    }

    [Fact]
    public void GetOutputStreamAsync_resolves_a_host_name_the_same_way()
    {
        Star star = Star.Build(4, new[] { new AdapterSpec(true, true, false), new AdapterSpec(true, true, false) });
        var heard = new List<string>();
        star.Listeners[1].Run(async () => heard = (await ListenAsync(5353)).Got);
        star.Me.Run(async () =>
        {
            using var socket = new DatagramSocket();
            await SendAsync(await socket.GetOutputStreamAsync(new HostName("l1."), "5353"), "hi");
            await Pause(star.Sim);
        });
        Assert.Equal(new[] { "hi" }, heard);
    }

    [Fact]
    public void An_unknown_host_name_fails_with_status_HostNotFound()
    {
        Star star = Star.Build(4, new[] { new AdapterSpec(true, true, false) });
        star.Me.Run(async () =>
        {
            using var socket = Armed();
            Exception e = await Failure.Of(() => socket.ConnectAsync(new HostName("nobody.example"), "9"));
            Assert.Equal(SocketErrorStatus.HostNotFound, Failure.Status(e));
            Assert.Equal(unchecked((int)0x80072AF9), e.HResult);
            e = await Failure.Of(() => socket.GetOutputStreamAsync(new HostName("nobody.example"), "9"));
            Assert.Equal(SocketErrorStatus.HostNotFound, Failure.Status(e));
        });
    }

    [SimNetProperty(MaxTest = 20)]
    public Property A_numeric_service_name_is_the_port_and_an_unknown_service_name_fails_with_status_HostNotFound()
    {
        return Prop.ForAll(Arb.From(Port), port =>
        {
            Star star = Star.Build(4, new[] { new AdapterSpec(true, true, false) });
            star.Me.Run(async () =>
            {
                using var socket = Armed();
                Exception e = await Failure.Of(() => socket.ConnectAsync(new HostName("l0"), "no-such-service-" + P(port)));
                Assert.Equal(SocketErrorStatus.HostNotFound, Failure.Status(e));
                await socket.ConnectAsync(new HostName("l0"), P(port));
                Assert.Equal(P(port), socket.Information.RemotePort);
            });
        });
    }

    [Fact]
    public void A_local_host_name_resolves_to_one_of_the_hosts_own_addresses()
    {
        Star star = Star.Build(4, new[] { new AdapterSpec(true, true, false) });
        star.Me.Run(async () =>
        {
            using var socket = Armed();
            await socket.BindEndpointAsync(new HostName("me"), "5000");
            Assert.Equal("10.0.0.1", socket.Information.LocalAddress!.CanonicalName);
        });
    }
}
