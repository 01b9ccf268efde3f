using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Sockets;
using Xunit;
using static SimNet.Properties.WinRT.WinRTWorld;
using HostName = SimNet.Windows.Networking.HostName;

namespace SimNet.Properties.WinRT;

/// <summary>
/// Seed: "Using ConnectAsync with a broadcast IP address such as 255.255.255.255 will connect, but will broadcast only
/// through the first network adapter found. To broadcast on all available adapters, use GetOutputStreamAsync."
/// SimNet's first adapter: the first in Host.Adapters order that is up and has an IPv4 address; loopback never counts.
/// </summary>
public class BroadcastProperties
{
    private static readonly HostName Everyone = new("255.255.255.255");

    /// <summary>Every listener l{i} listens on <paramref name="port"/>; returns what each heard and from where.</summary>
    private static List<(string From, string Text)>[] Listen(Star star, int port)
    {
        var heard = star.Listeners.Select(_ => new List<(string, string)>()).ToArray();
        for (int i = 0; i < star.Listeners.Count; i++)
        {
            int index = i;
            star.Listeners[i].Run(async () =>
            {
                var s = new DatagramSocket();
                s.MessageReceived += (_, e) => heard[index].Add((e.RemoteAddress.CanonicalName, Text(e)));
                await s.BindServiceNameAsync(P(port));
            });
        }

        return heard;
    }

    private static int FirstCounting(IReadOnlyList<AdapterSpec> specs)
    {
        for (int i = 0; i < specs.Count; i++)
        {
            if (specs[i].CountsForBroadcast)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Runs a connected broadcast of "b" from me; null when it worked, else the exception.</summary>
    private static Exception? ConnectedBroadcast(Star star, int port)
    {
        Exception? failure = null;
        star.Me.Run(async () =>
        {
            using var socket = Armed();
            try
            {
                await socket.ConnectAsync(Everyone, P(port));
            }
            catch (Exception e)
            {
                failure = e;
                return;
            }

            Assert.Equal("255.255.255.255", socket.Information.RemoteAddress!.CanonicalName);
            await SendAsync(socket.OutputStream, "b");
            await SendAsync(socket.OutputStream, "c");
            await Pause(star.Sim);
        });
        return failure;
    }

    [SimNetProperty(MaxTest = 50)]
    public Property ConnectAsync_to_255_255_255_255_connects_and_sends_only_through_the_first_up_adapter_with_IPv4()
    {
        return Prop.ForAll(Arb.From(Seed), Arb.From(Adapters), Arb.From(Port), (seed, specs, port) =>
        {
            Star star = Star.Build(seed, specs, TimeSpan.FromMilliseconds(1));
            var heard = Listen(star, port);
            Exception? failure = ConnectedBroadcast(star, port);
            int first = FirstCounting(specs);
            if (first < 0)
            {
                Assert.NotNull(failure);
                Assert.Equal(SocketErrorStatus.NetworkIsUnreachable, Failure.Status(failure!));
                Assert.All(heard, h => Assert.Empty(h));
                return;
            }

            Assert.Null(failure);
            for (int i = 0; i < specs.Length; i++)
            {
                var expected = i == first ? new[] { ($"10.{i}.0.1", "b"), ($"10.{i}.0.1", "c") } : Array.Empty<(string, string)>();
                Assert.Equal(expected, heard[i]);
            }

            Assert.Equal(2, star.Sim.Trace.Events.Count(e => e.Kind == TraceKind.Send && e.Host == "me"));
        });
    }

    [SimNetProperty(MaxTest = 50)]
    public Property GetOutputStreamAsync_to_255_255_255_255_sends_one_copy_through_every_up_adapter_with_IPv4()
    {
        return Prop.ForAll(Arb.From(Seed), Arb.From(Adapters), Arb.From(from p in Port from b in Gen.Elements(true, false) select (p, b)), (seed, specs, pb) =>
        {
            (int port, bool bindFirst) = pb;
            Star star = Star.Build(seed, specs, TimeSpan.FromMilliseconds(1));
            var heard = Listen(star, port);
            Exception? failure = null;
            star.Me.Run(async () =>
            {
                using var socket = Armed();
                if (bindFirst)
                {
                    await socket.BindServiceNameAsync(string.Empty);
                }

                var stream = await socket.GetOutputStreamAsync(Everyone, P(port));
                try
                {
                    await SendAsync(stream, "b");
                }
                catch (Exception e)
                {
                    failure = e;
                }

                await Pause(star.Sim);
            });
            int counting = specs.Count(a => a.CountsForBroadcast);
            if (counting == 0)
            {
                Assert.Equal(SocketErrorStatus.NetworkIsUnreachable, Failure.Status(failure!));
            }
            else
            {
                Assert.Null(failure);
            }

            for (int i = 0; i < specs.Length; i++)
            {
                var expected = specs[i].CountsForBroadcast ? new[] { ($"10.{i}.0.1", "b") } : Array.Empty<(string, string)>();
                Assert.Equal(expected, heard[i]);
            }

            Assert.Equal(counting, star.Sim.Trace.Events.Count(e => e.Kind == TraceKind.Send && e.Host == "me"));
        });
    }

    [Fact]
    public void First_adapter_skips_adapters_that_are_down()
    {
        Star star = Star.Build(5, new[] { new AdapterSpec(false, true, true), new AdapterSpec(false, true, false), new AdapterSpec(true, true, false), new AdapterSpec(true, true, false) });
        var heard = Listen(star, 7000);
        Assert.Null(ConnectedBroadcast(star, 7000));
        Assert.Equal(new[] { 0, 0, 2, 0 }, heard.Select(h => h.Count));
    }

    [Fact]
    public void First_adapter_skips_adapters_without_IPv4()
    {
        Star star = Star.Build(5, new[] { new AdapterSpec(true, false, true), new AdapterSpec(true, false, false), new AdapterSpec(true, true, true) });
        var heard = Listen(star, 7000);
        Assert.Null(ConnectedBroadcast(star, 7000));
        Assert.Equal(new[] { 0, 0, 2 }, heard.Select(h => h.Count));
    }

    [Fact]
    public void First_adapter_on_a_host_with_one_adapter_is_that_adapter()
    {
        Star star = Star.Build(5, new[] { new AdapterSpec(true, true, false) });
        var heard = Listen(star, 7000);
        Assert.Null(ConnectedBroadcast(star, 7000));
        Assert.Equal(new[] { ("10.0.0.1", "b"), ("10.0.0.1", "c") }, heard[0]);
    }

    [Fact]
    public void Loopback_never_counts_so_a_host_with_no_adapter_cannot_connect_to_255_255_255_255()
    {
        var sim = new Simulation(9);
        Host alone = sim.AddHost("alone");
        Exception? failure = null;
        alone.Run(async () =>
        {
            using var socket = Armed();
            failure = await Failure.Of(() => socket.ConnectAsync(Everyone, "7000"));
        });
        Assert.Equal(SocketErrorStatus.NetworkIsUnreachable, Failure.Status(failure!));
        Assert.Equal(0, sim.Trace.Count(TraceKind.Send));
    }

    [Fact]
    public void A_broadcast_from_a_socket_bound_to_an_adapter_leaves_through_that_adapter_only()
    {
        Star star = Star.Build(5, new[] { new AdapterSpec(true, true, false), new AdapterSpec(true, true, false), new AdapterSpec(true, true, false) });
        var heard = Listen(star, 7000);
        star.Me.Run(async () =>
        {
            using var socket = Armed();
            await socket.BindServiceNameAsync(string.Empty, SimNet.Windows.Networking.Connectivity.NetworkAdapter.From(star.Me.Adapters[1]));
            await SendAsync(await socket.GetOutputStreamAsync(Everyone, "7000"), "b");
            await Pause(star.Sim);
        });
        Assert.Equal(new[] { 0, 1, 0 }, heard.Select(h => h.Count));
    }
}
