using System.Net;
using System.Net.Sockets;

namespace SimNet.Conformance;

/// <summary>
/// What a scenario has to work with: sockets it owns (closed at the end, or when the run overruns),
/// a clock, and the outcome it writes, one line per observation, with ports made comparable.
/// </summary>
public sealed class Lab
{
    private readonly List<string> lines = new();
    private readonly List<int> ports = new();
    private readonly List<Socket> owned = new();

    /// <summary>The observations, in order.</summary>
    public IReadOnlyList<string> Lines => lines;

    /// <summary>The clock scenarios wait on: the wall clock for real sockets, the simulation's for SimNet.</summary>
    public static TimeProvider Clock =>
#if REAL
        TimeProvider.System;
#else
        SimNet.Topology.Host.Current?.Simulation.Clock ?? throw new InvalidOperationException("SimNet scenarios run inside host.Run.");
#endif

    /// <summary>Gives loopback time to carry what was sent (and ICMP errors to come back): 20 ms.</summary>
    public static Task Settle() => Task.Delay(TimeSpan.FromMilliseconds(20), Clock);

    /// <summary>
    /// Runs <paramref name="action"/> after <paramref name="delay"/>, on the side of the run: a
    /// thread-pool timer for real sockets, an event on the simulation's clock for SimNet.
    /// </summary>
    public static void After(TimeSpan delay, Action action)
    {
#if REAL
        _ = Task.Delay(delay).ContinueWith(_ => action(), TaskScheduler.Default);
#else
        (SimNet.Topology.Host.Current ?? throw new InvalidOperationException("SimNet scenarios run inside host.Run.")).Simulation.Schedule(delay, action);
#endif
    }

    /// <summary>A new IPv4 UDP socket owned by this run.</summary>
    public Socket V4() => Own(new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));

    /// <summary>A new IPv6 UDP socket (DualMode off) owned by this run.</summary>
    public Socket V6() => Own(new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp));

    /// <summary>An IPv4 UDP socket bound to 127.0.0.1 on an ephemeral port.</summary>
    public Socket Bound4()
    {
        Socket s = V4();
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return s;
    }

    /// <summary>An IPv6 UDP socket bound to ::1 on an ephemeral port.</summary>
    public Socket Bound6()
    {
        Socket s = V6();
        s.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        return s;
    }

    /// <summary>A loopback port nobody listens on: bound once, then released.</summary>
    public int ClosedPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <summary>Takes ownership of <paramref name="socket"/>: it is closed when the run ends.</summary>
    public Socket Own(Socket socket)
    {
        lock (owned)
        {
            owned.Add(socket);
        }

        return socket;
    }

    /// <summary>Records <paramref name="value"/> under <paramref name="step"/>.</summary>
    public void Note(string step, object? value)
    {
        lock (lines)
        {
            lines.Add($"{step} = {Render(value)}");
        }
    }

    /// <summary>Runs <paramref name="action"/> and records its value or the exception it threw.</summary>
    public void Try(string step, Func<object?> action)
    {
        object? value;
        try
        {
            value = action();
        }
        catch (Exception e)
        {
            Threw(step, e);
            return;
        }

        Note(step, value);
    }

    /// <summary>Runs <paramref name="action"/> and records "ok" or the exception it threw.</summary>
    public void Try(string step, Action action) => Try(step, () =>
    {
        action();
        return "ok";
    });

    /// <summary>Awaits <paramref name="action"/> and records its value or the exception it ended with.</summary>
    public async Task TryAsync<T>(string step, Func<Task<T>> action)
    {
        T value;
        try
        {
            value = await action().ConfigureAwait(true);
        }
        catch (Exception e)
        {
            Threw(step, e);
            return;
        }

        Note(step, value);
    }

    /// <summary>Awaits <paramref name="action"/> and records "ok" or the exception it ended with.</summary>
    public Task TryAsync(string step, Func<Task> action) => TryAsync(step, async () =>
    {
        await action().ConfigureAwait(true);
        return "ok";
    });

    /// <summary>Records that <paramref name="step"/> threw <paramref name="e"/>.</summary>
    public void Threw(string step, Exception e)
    {
        lock (lines)
        {
            lines.Add($"{step} ! {Describe(e)}");
        }
    }

    /// <summary>The exception's type, and its SocketError for socket exceptions.</summary>
    public static string Describe(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } a)
        {
            e = a.InnerException!;
        }

        if (e is System.Reflection.TargetInvocationException { InnerException: { } inner })
        {
            return Describe(inner);
        }

        return e is SocketException se ? $"{e.GetType().Name}({se.SocketErrorCode})" : e.GetType().Name;
    }

    /// <summary>A port as the outcome shows it: 0 stays 0, others become P1, P2... in order of first appearance.</summary>
    public string Port(int port)
    {
        if (port == 0)
        {
            return "0";
        }

        lock (ports)
        {
            int i = ports.IndexOf(port);
            if (i < 0)
            {
                ports.Add(port);
                i = ports.Count - 1;
            }

            return $"P{i + 1}";
        }
    }

    private string Render(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        IPEndPoint ep => ep.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ep.Address}]:{Port(ep.Port)}" : $"{ep.Address}:{Port(ep.Port)}",
        SocketReceiveFromResult r => $"{r.ReceivedBytes} from {Render(r.RemoteEndPoint)}",
        SocketReceiveMessageFromResult r => $"{r.ReceivedBytes} from {Render(r.RemoteEndPoint)} flags {r.SocketFlags} to {r.PacketInformation.Address}",
        Exception e => Describe(e),
        _ => value.ToString() ?? "null",
    };

    /// <summary>Closes every socket this run owns (also unblocks a real receive that overran).</summary>
    public void CloseAll()
    {
        Socket[] all;
        lock (owned)
        {
            all = owned.ToArray();
            owned.Clear();
        }

        foreach (Socket s in all)
        {
            s.Dispose();
        }
    }
}
