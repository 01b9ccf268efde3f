using System.Globalization;
using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Topology;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Sockets;
using SimNet.Windows.Storage.Streams;

namespace SimNet.Properties.WinRT;

/// <summary>One adapter of a generated host: up or down, with or without IPv4 and IPv6.</summary>
public sealed record AdapterSpec(bool Up, bool HasIPv4, bool HasIPv6)
{
    public bool CountsForBroadcast => Up && HasIPv4;
}

/// <summary>
/// A host "me" with adapters eth0.. each on its own segment net{i}; on each segment a listener host
/// l{i}. Me's adapter i has 10.{i}.0.1/24 and fd00:{i}::1/64 as its spec says; listener i has .2.
/// </summary>
public sealed record Star(Simulation Sim, Host Me, IReadOnlyList<Host> Listeners, IReadOnlyList<AdapterSpec> Specs)
{
    public static Star Build(long seed, IReadOnlyList<AdapterSpec> specs, TimeSpan latency = default)
    {
        var sim = new Simulation(seed);
        Host me = sim.AddHost("me");
        var listeners = new List<Host>();
        for (int i = 0; i < specs.Count; i++)
        {
            Segment net = sim.AddSegment($"net{i}");
            net.Conditions = new LinkConditions { Latency = latency };
            var mine = new List<string>();
            if (specs[i].HasIPv4)
            {
                mine.Add($"10.{i}.0.1/24");
            }

            if (specs[i].HasIPv6)
            {
                mine.Add($"fd00:{i}::1/64");
            }

            NetworkAdapter a = me.AddAdapter($"eth{i}", net, mine.ToArray());
            a.IsUp = specs[i].Up;
            Host l = sim.AddHost($"l{i}");
            l.AddAdapter("eth0", net, $"10.{i}.0.2/24", $"fd00:{i}::2/64");
            listeners.Add(l);
        }

        return new Star(sim, me, listeners, specs);
    }
}

internal static class WinRTWorld
{
    public static readonly Gen<AdapterSpec> Adapter =
        from up in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        from v4 in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        from v6 in Gen.Elements(true, false)
        select new AdapterSpec(up, v4, v6);

    public static readonly Gen<AdapterSpec[]> Adapters =
        from n in Gen.Choose(1, 4)
        from specs in Gen.ArrayOf(Adapter, n)
        select specs;

    public static readonly Gen<long> Seed = Gen.Choose(0, int.MaxValue).Select(i => (long)i);

    public static readonly Gen<int> Port = Gen.Choose(1024, 32000);


    public static string Text(DatagramSocketMessageReceivedEventArgs e) => DatagramSocketChat.ChatDemo.ReadAll(e);

    public static Task SendAsync(IOutputStream stream, string text) => DatagramSocketChat.ChatDemo.WriteAsync(stream, text);

    /// <summary>A socket on the current host with a handler that ignores what arrives, ready to bind or connect.</summary>
    public static DatagramSocket Armed()
    {
        var s = new DatagramSocket();
        s.MessageReceived += (_, _) => { };
        return s;
    }

    public static string P(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>A socket on the current host bound to <paramref name="port"/> that records what it receives.</summary>
    public static async Task<(DatagramSocket Socket, List<string> Got)> ListenAsync(int port)
    {
        var got = new List<string>();
        var s = new DatagramSocket();
        s.MessageReceived += (_, e) => got.Add(Text(e));
        await s.BindServiceNameAsync(P(port));
        return (s, got);
    }

    public static Task Pause(Simulation sim, int ms = 50) => Task.Delay(TimeSpan.FromMilliseconds(ms), sim.Clock);

    public static IPAddress Ip(string s) => IPAddress.Parse(s);
}

internal static class Failure
{
    public const int IllegalMethodCall = unchecked((int)0x8000000E);
    public const int InvalidArgument = unchecked((int)0x80070057);

    /// <summary>Runs <paramref name="operation"/> (sync throw or faulted task alike) and returns what it threw.</summary>
    public static async Task<Exception> Of(Func<Task> operation)
    {
        try
        {
            await operation();
        }
        catch (Exception e)
        {
            return e;
        }

        throw new Xunit.Sdk.XunitException("The operation succeeded; a failure was expected.");
    }

    public static Exception OfSync(Action operation)
    {
        try
        {
            operation();
        }
        catch (Exception e)
        {
            return e;
        }

        throw new Xunit.Sdk.XunitException("The operation succeeded; a failure was expected.");
    }

    public static SimNet.Windows.Networking.Sockets.SocketErrorStatus Status(Exception e) =>
        SimNet.Windows.Networking.Sockets.SocketError.GetStatus(e.HResult);
}
