using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Connectivity;
using SimNet.Windows.Networking.Sockets;
using Xunit;
using static SimNet.Properties.WinRT.WinRTWorld;
using HostName = SimNet.Windows.Networking.HostName;
using WinRTAdapter = SimNet.Windows.Networking.Connectivity.NetworkAdapter;

namespace SimNet.Properties.WinRT;

/// <summary>
/// Seed: "The MessageReceived event handler must be set before any bind or connect operation, otherwise an error will occur"
/// and "If the RemoteHostName is null or if the RemoteServiceName is null or an empty string, an error will occur."
/// </summary>
public class ArgumentAndOrderRules
{
    private static Star Lan(long seed = 1) => Star.Build(seed, new[] { new AdapterSpec(true, true, true), new AdapterSpec(true, true, false) });

    /// <summary>Every way to bind or connect, on a fresh socket of <paramref name="star"/>'s host.</summary>
    private static IEnumerable<(string Name, Func<DatagramSocket, Task> Call)> BindsAndConnects(Star star)
    {
        WinRTAdapter adapter = WinRTAdapter.From(star.Me.Adapters[0]);
        yield return ("BindServiceNameAsync(name)", s => s.BindServiceNameAsync("5000"));
        yield return ("BindServiceNameAsync(name, adapter)", s => s.BindServiceNameAsync("5000", adapter));
        yield return ("BindEndpointAsync", s => s.BindEndpointAsync(new HostName("10.0.0.1"), "5000"));
        yield return ("ConnectAsync(host, service)", s => s.ConnectAsync(new HostName("10.0.0.2"), "5000"));
        yield return ("ConnectAsync(pair)", s => s.ConnectAsync(new EndpointPair(null, string.Empty, new HostName("10.0.0.2"), "5000")));
    }

    [Fact]
    public void Bind_or_connect_before_MessageReceived_is_assigned_fails_with_InvalidOperationException_E_ILLEGAL_METHOD_CALL()
    {
        Star star = Lan();
        star.Me.Run(async () =>
        {
            foreach ((string name, Func<DatagramSocket, Task> call) in BindsAndConnects(star))
            {
                using var socket = new DatagramSocket();
                Exception e = await Failure.Of(() => call(socket));
                Assert.True(e is InvalidOperationException, $"{name}: {e}");
                Assert.Equal(Failure.IllegalMethodCall, e.HResult);
                Assert.Equal(SocketErrorStatus.Unknown, Failure.Status(e));
                Assert.Equal(string.Empty, socket.Information.LocalPort);

                // The same call works once a handler is assigned.
                socket.MessageReceived += (_, _) => { };
                await call(socket);
                Assert.NotEqual(string.Empty, socket.Information.LocalPort);
            }
        });
    }

    [Fact]
    public void Assigning_MessageReceived_after_bind_or_connect_fails_with_InvalidOperationException_E_ILLEGAL_METHOD_CALL()
    {
        Star star = Lan();
        star.Me.Run(async () =>
        {
            foreach ((string name, Func<DatagramSocket, Task> call) in BindsAndConnects(star))
            {
                using var socket = Armed();
                await call(socket);
                Exception e = Failure.OfSync(() => socket.MessageReceived += (_, _) => { });
                Assert.True(e is InvalidOperationException, $"{name}: {e}");
                Assert.Equal(Failure.IllegalMethodCall, e.HResult);
            }
        });
    }

    private static readonly Func<DatagramSocket, HostName?, string?, Task>[] RemoteTakers =
    {
        (s, h, svc) => s.ConnectAsync(new EndpointPair(null, string.Empty, h, svc)),
        (s, h, svc) => s.ConnectAsync(h!, svc!),
        (s, h, svc) => s.GetOutputStreamAsync(new EndpointPair(null, string.Empty, h, svc)),
        (s, h, svc) => s.GetOutputStreamAsync(h!, svc!),
    };

    [Fact]
    public void A_null_RemoteHostName_fails_with_ArgumentNullException_E_INVALIDARG()
    {
        Star star = Lan();
        star.Me.Run(async () =>
        {
            foreach (var take in RemoteTakers)
            {
                using var socket = Armed();
                Exception e = await Failure.Of(() => take(socket, null, "5000"));
                Assert.IsType<ArgumentNullException>(e);
                Assert.Equal(Failure.InvalidArgument, e.HResult);
                Assert.Null(socket.Information.RemoteAddress);
            }
        });
        Assert.Equal(0, star.Sim.Trace.Count(Tracing.TraceKind.Send));
    }

    [Fact]
    public void A_null_or_empty_RemoteServiceName_fails_with_ArgumentException_E_INVALIDARG()
    {
        Star star = Lan();
        star.Me.Run(async () =>
        {
            foreach (var take in RemoteTakers)
            {
                foreach (string? service in new[] { null, string.Empty })
                {
                    using var socket = Armed();
                    Exception e = await Failure.Of(() => take(socket, new HostName("10.0.0.2"), service));
                    Assert.IsAssignableFrom<ArgumentException>(e);
                    Assert.Equal(service is null ? typeof(ArgumentNullException) : typeof(ArgumentException), e.GetType());
                    Assert.Equal(Failure.InvalidArgument, e.HResult);
                    Assert.Null(socket.Information.RemoteAddress);
                }
            }
        });
        Assert.Equal(0, star.Sim.Trace.Count(Tracing.TraceKind.Send));
    }

    [Fact]
    public void A_null_LocalServiceName_fails_with_ArgumentNullException_while_empty_lets_the_system_pick()
    {
        Star star = Lan();
        star.Me.Run(async () =>
        {
            using var socket = Armed();
            Exception e = await Failure.Of(() => socket.ConnectAsync(new EndpointPair(null, null, new HostName("10.0.0.2"), "5000")));
            Assert.IsType<ArgumentNullException>(e);
            await socket.ConnectAsync(new EndpointPair(null, string.Empty, new HostName("10.0.0.2"), "5000"));
            Assert.Equal("10.0.0.2", socket.Information.RemoteAddress!.CanonicalName);
        });
    }

    private static readonly Gen<string> MulticastAddresses = Gen.OneOf(
        from a in Gen.Choose(224, 239) from b in Gen.Choose(0, 255) from c in Gen.Choose(0, 255) from d in Gen.Choose(0, 255)
        select $"{a}.{b}.{c}.{d}",
        from scope in Gen.Elements("1", "2", "5", "8", "e") from flags in Gen.Elements("0", "1", "3") from g in Gen.Choose(1, 0xFFFF)
        select $"ff{flags}{scope}::{g:x}");

    [SimNetProperty(MaxTest = 60)]
    public Property ConnectAsync_to_a_multicast_address_completes_with_an_error_whose_status_is_HostNotFound()
    {
        return Prop.ForAll(Arb.From(Seed), Arb.From(Adapters), Arb.From(MulticastAddresses), (seed, specs, group) =>
        {
            Star star = Star.Build(seed, specs);
            star.Me.Run(async () =>
            {
                using var socket = Armed();
                Task connect = socket.ConnectAsync(new HostName(group), "5000");
                Exception e = await Failure.Of(() => connect);
                Assert.IsType<COMException>(e);
                Assert.Equal(unchecked((int)0x80072AF9), e.HResult);
                Assert.Equal(SocketErrorStatus.HostNotFound, Failure.Status(e));
                Assert.Null(socket.Information.RemoteAddress);
            });
            Assert.Equal(0, star.Sim.Trace.Count(Tracing.TraceKind.Send));
        });
    }

    [SimNetProperty(MaxTest = 40)]
    public Property ConnectAsync_works_for_unicast_addresses_of_a_reachable_subnet()
    {
        return Prop.ForAll(Arb.From(Seed), Arb.From(Adapters), Gen.Choose(3, 254).ToArbitrary(), (seed, specs, last) =>
        {
            Star star = Star.Build(seed, specs);
            int i = Array.FindIndex(specs.ToArray(), a => a.CountsForBroadcast);
            if (i < 0)
            {
                return;
            }

            star.Me.Run(async () =>
            {
                using var socket = Armed();
                await socket.ConnectAsync(new HostName($"10.{i}.0.{last}"), "5000");
                Assert.Equal($"10.{i}.0.{last}", socket.Information.RemoteAddress!.CanonicalName);
                Assert.Equal("5000", socket.Information.RemotePort);
            });
        });
    }
}
