using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SimNet.Differential;

/// <summary>Where a scenario runs: real network namespaces or a SimNet topology.</summary>
public interface IWorld
{
    /// <summary>The topology's hosts.</summary>
    HostSpec[] Hosts { get; }

    /// <summary>A new socket of kind <paramref name="spec"/> on host <paramref name="spec"/>.Host.</summary>
    Socket NewSocket(SocketSpec spec);

    /// <summary>Lets what was sent arrive (and ICMP errors come back): a bounded real wait, or virtual time.</summary>
    void Settle();

    /// <summary>Waits for <paramref name="task"/> within a bound (wall clock, or virtual time); whether it completed.</summary>
    bool Wait(Task task);

    /// <summary>The interface index of adapter <paramref name="adapter"/> (eth<i>adapter</i>) of host <paramref name="host"/>.</summary>
    int InterfaceIndex(int host, int adapter);
}

/// <summary>
/// Runs a scenario's steps on one stack and writes one line per step: the value or the exception,
/// and after steps that may change them, the socket's local and remote endpoints. This file is
/// compiled against System.Net.Sockets (REAL) and against SimNet.Sockets (SIM); nothing in it knows which.
/// </summary>
public sealed class Runner
{
    private readonly IWorld world;
    private readonly Scenario scenario;
    private readonly int basePort;
    private readonly List<int> ports = new();
    private readonly Socket?[] sockets;
    private readonly SocketSpec?[] specs;
    private readonly Task<Socket>?[] pendingAccepts;
    private readonly Task?[] pendingOps;
    private readonly byte[] buffer = new byte[256];
    private int accepted;

    private Runner(IWorld world, Scenario scenario, int basePort)
    {
        this.world = world;
        this.scenario = scenario;
        this.basePort = basePort;
        int slots = scenario.Sockets.Length + (scenario.Sockets[0].Tcp ? Scenario.AcceptSlots : 0);
        sockets = new Socket?[slots];
        specs = new SocketSpec?[slots];
        pendingAccepts = new Task<Socket>?[slots];
        pendingOps = new Task?[slots];
    }

    /// <summary>Runs <paramref name="scenario"/> in <paramref name="world"/>; fixed port slot k is <paramref name="basePort"/> + k.</summary>
    public static List<string> Run(IWorld world, Scenario scenario, int basePort)
    {
        var runner = new Runner(world, scenario, basePort);
        var lines = new List<string>(scenario.Steps.Length);
        bool tcp = scenario.Sockets[0].Tcp;
        try
        {
            bool sent = false;
            for (int i = 0; i < scenario.Sockets.Length; i++)
            {
                SocketSpec spec = scenario.Sockets[i];
                Socket s = world.NewSocket(spec);
                s.Blocking = false; // every real wait is bounded: nothing in a step blocks
                runner.sockets[i] = s;
                runner.specs[i] = spec;
                if (spec.Dual)
                {
                    s.DualMode = true;
                }
            }

            for (int i = 0; i < scenario.Steps.Length; i++)
            {
                Step step = scenario.Steps[i];

                // TCP: a segment sent may change what any next step sees (a handshake, a FIN, a RST), so settle before it.
                if (sent && (tcp || step.Op is Op.ReceiveFrom or Op.Receive or Op.ReceiveMessageFrom or Op.Available or Op.Poll))
                {
                    world.Settle();
                    sent = false;
                }

                lines.Add(runner.Execute(step, i));
                sent |= step.Op is Op.SendTo or Op.Send or Op.Connect or Op.ConnectAsync or Op.SendAsync or Op.SendToAsync
                    || (tcp && step.Op is Op.Shutdown or Op.Close);
            }

            if (sent)
            {
                world.Settle();
            }
        }
        finally
        {
            foreach (Socket? s in runner.sockets)
            {
                s?.Dispose();
            }

            foreach (Task<Socket>? t in runner.pendingAccepts)
            {
                if (t is not null && world.Wait(t) && t.IsCompletedSuccessfully)
                {
                    t.Result.Dispose();
                }
            }
        }

        return lines;
    }

    private string Execute(Step step, int index)
    {
        Socket? s = step.S < sockets.Length ? sockets[step.S] : null;
        if (s is null)
        {
            return $"{step} -> none";
        }

        SocketSpec spec = specs[step.S]!;
        if (pendingOps[step.S] is Task pending && step.Op != Op.Close)
        {
            // .NET queues a socket's synchronous operations behind a pending async one (measured: a Send
            // behind a ConnectAsync that never ends never returns), so nothing runs while it is pending.
            if (!world.Wait(pending))
            {
                return $"{step} -> waits for an async operation";
            }

            pendingOps[step.S] = null;
        }

        string result;
        string tail = string.Empty;
        try
        {
            result = step.Op switch
            {
                Op.Bind => Ok(() => s.Bind(Endpoint(spec, step.Address, step.Port))),
                Op.Connect => Ok(() => s.Connect(Endpoint(spec, step.Address, step.Port))),
                Op.SendTo => s.SendTo(Payload(index), Endpoint(spec, step.Address, step.Port)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Op.Send => s.Send(Payload(index)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Op.ReceiveFrom or Op.Receive or Op.ReceiveMessageFrom => Drain(s, spec, step.Op),
                Op.Available => s.Available.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Op.Poll => spec.Tcp
                    ? $"read {s.Poll(0, SelectMode.SelectRead)} write {s.Poll(0, SelectMode.SelectWrite)} error {s.Poll(0, SelectMode.SelectError)}"
                    : $"read {s.Poll(0, SelectMode.SelectRead)} error {s.Poll(0, SelectMode.SelectError)}",
                Op.Broadcast => Ok(() => s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, step.Arg)),
                Op.MulticastLoopback => Ok(() => s.MulticastLoopback = step.Arg != 0),
                Op.MulticastTtl => Ok(() => s.SetSocketOption(spec.V6 ? SocketOptionLevel.IPv6 : SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, step.Arg)),
                Op.MulticastInterface => Ok(() => MulticastInterface(s, spec, step.Arg)),
                Op.ReuseAddress => Ok(() => s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, step.Arg)),
                Op.Join => Ok(() => Membership(s, spec, step, SocketOptionName.AddMembership)),
                Op.Leave => Ok(() => Membership(s, spec, step, SocketOptionName.DropMembership)),
                Op.Shutdown => Ok(() => s.Shutdown(step.Arg switch { 0 => SocketShutdown.Receive, 1 => SocketShutdown.Send, _ => SocketShutdown.Both })),
                Op.Close => Ok(s.Dispose),
                Op.Listen => Ok(() => s.Listen(step.Arg)),
                Op.Accept or Op.AcceptAsync => Accept(s, step, out tail),
                Op.ConnectAsync => Await(step.S, s.ConnectAsync(Endpoint(spec, step.Address, step.Port)), counted: false),
                Op.SendAsync => Await(step.S, s.SendAsync(new ArraySegment<byte>(Payload(index)), SocketFlags.None)),
                Op.SendToAsync => Await(step.S, s.SendToAsync(new ArraySegment<byte>(Payload(index)), SocketFlags.None, Endpoint(spec, step.Address, step.Port))),
                _ => throw new InvalidOperationException(step.Op.ToString()),
            };
        }
        catch (Exception e)
        {
            result = Describe(e);
        }

        if (step.Op is Op.Bind or Op.Connect or Op.SendTo or Op.Send or Op.Shutdown or Op.ConnectAsync or Op.SendAsync or Op.SendToAsync or Op.Listen)
        {
            if (spec.Tcp && step.Op == Op.Connect)
            {
                // A non-blocking TCP connect's handshake may or may not finish within the call on Linux
                // (it races the softirq), and .NET's view depends on it: read the state once it has had time.
                world.Settle();
            }

            result += State(s, spec);
        }

        return $"{step} -> {result}{tail}";
    }

    /// <summary>The object's endpoints as .NET reports them (and for TCP whether it says it is connected).</summary>
    private string State(Socket s, SocketSpec spec) =>
        $" | L={Read(() => s.LocalEndPoint)} R={Read(() => s.RemoteEndPoint)}{(spec.Tcp ? $" C={s.Connected}" : string.Empty)}";

    /// <summary>Accept or AcceptAsync: a pending AcceptAsync of an earlier step is taken first; the accepted socket fills the next slot.</summary>
    private string Accept(Socket s, Step step, out string tail)
    {
        tail = string.Empty;
        Task<Socket>? task = pendingAccepts[step.S];
        pendingAccepts[step.S] = null;
        Socket child;
        if (task is null && step.Op == Op.Accept)
        {
            child = s.Accept();
        }
        else
        {
            task ??= s.AcceptAsync();
            if (!world.Wait(task))
            {
                pendingAccepts[step.S] = task;
                return "pending";
            }

            child = task.GetAwaiter().GetResult();
        }

        int first = scenario.Sockets.Length;
        if (first + accepted >= sockets.Length)
        {
            child.Dispose();
            return "ok (no slot)";
        }

        int slot = first + accepted++;
        child.Blocking = false;
        sockets[slot] = child;
        specs[slot] = specs[step.S];
        tail = State(child, specs[slot]!);
        return $"ok s{slot}";
    }

    /// <summary>Awaits an async operation within the world's bound: its value, its exception, or pending.</summary>
    private string Await(int slot, Task task, bool counted = true)
    {
        if (!world.Wait(task))
        {
            pendingOps[slot] = task;
            return "pending";
        }

        if (task.IsCanceled)
        {
            return "canceled";
        }

        if (task.Exception is AggregateException a)
        {
            return Describe(a.InnerException ?? a);
        }

        return counted && task is Task<int> count ? count.Result.ToString(System.Globalization.CultureInfo.InvariantCulture) : "ok";
    }

    /// <summary>IP_MULTICAST_IF by address (IPv4, and dual-mode sockets at the IP level) or IPV6_MULTICAST_IF by interface index.</summary>
    private void MulticastInterface(Socket s, SocketSpec spec, int arg)
    {
        if (spec.V6 && !spec.Dual)
        {
            HostSpec host = world.Hosts[spec.Host];
            int index = arg switch { 0 => 0, 1 => world.InterfaceIndex(spec.Host, 0), 2 => world.InterfaceIndex(spec.Host, host.Adapters.Length - 1), _ => 1 };
            s.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, index);
            return;
        }

        IPAddress address = arg switch
        {
            0 => IPAddress.Any,
            1 => Addresses.Resolve(world.Hosts, spec.Host, AddressClass.Own, false),
            2 => Addresses.Resolve(world.Hosts, spec.Host, AddressClass.Own2, false),
            _ => Addresses.Resolve(world.Hosts, spec.Host, AddressClass.Neighbour, false),
        };
        s.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, BitConverter.ToInt32(address.GetAddressBytes(), 0));
    }

    private void Membership(Socket s, SocketSpec spec, Step step, SocketOptionName name)
    {
        IPAddress group = Resolve(spec, step.Address);
        if (spec.Dual)
        {
            IPAddress local4 = step.Arg == 0 ? IPAddress.Any : Addresses.Resolve(world.Hosts, spec.Host, AddressClass.Own, false);
            s.SetSocketOption(SocketOptionLevel.IP, name, new MulticastOption(group.MapToIPv4(), local4));
        }
        else if (spec.V6)
        {
            s.SetSocketOption(SocketOptionLevel.IPv6, name, new IPv6MulticastOption(group, 0));
        }
        else
        {
            IPAddress local = step.Arg == 0 ? IPAddress.Any : Resolve(spec, AddressClass.Own);
            s.SetSocketOption(SocketOptionLevel.IP, name, new MulticastOption(group, local));
        }
    }

    private string Drain(Socket s, SocketSpec spec, Op op)
    {
        var text = new StringBuilder();
        for (int i = 0; i < 4; i++)
        {
            try
            {
                EndPoint from = new IPEndPoint(spec.V6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
                int n;
                string extra = string.Empty;
                if (op == Op.Receive)
                {
                    n = s.Receive(buffer);
                }
                else if (op == Op.ReceiveFrom)
                {
                    n = s.ReceiveFrom(buffer, ref from);
                    extra = $" from {Render(from)}";
                }
                else
                {
                    SocketFlags flags = SocketFlags.None;
                    n = s.ReceiveMessageFrom(buffer, 0, buffer.Length, ref flags, ref from, out IPPacketInformation info);
                    extra = $" from {Render(from)} to {info.Address}";
                }

                text.Append(n == 0 && spec.Tcp ? "eof" : Encoding.ASCII.GetString(buffer, 0, n)).Append(extra).Append("; ");
            }
            catch (Exception e)
            {
                text.Append(Describe(e));
                return text.ToString();
            }
        }

        return text.Append("...").ToString();
    }

    private IPEndPoint Endpoint(SocketSpec spec, AddressClass address, int slot) =>
        new(Resolve(spec, address), slot == 0 ? 0 : basePort + slot);

    private static byte[] Payload(int index) => Encoding.ASCII.GetBytes($"d{index}");

    /// <summary>The address <paramref name="c"/> names for a socket of kind <paramref name="spec"/> on its host.</summary>
    private IPAddress Resolve(SocketSpec spec, AddressClass c) =>
        !spec.Dual ? Addresses.Resolve(world.Hosts, spec.Host, c, spec.V6)
        : c == AddressClass.Any ? IPAddress.IPv6Any
        : Addresses.Resolve(world.Hosts, spec.Host, c, false).MapToIPv6();

    private static string Ok(Action action)
    {
        action();
        return "ok";
    }

    private string Read(Func<EndPoint?> read)
    {
        try
        {
            return Render(read());
        }
        catch (Exception e)
        {
            return Describe(e);
        }
    }

    private string Render(EndPoint? endpoint) => endpoint switch
    {
        null => "null",
        IPEndPoint ep when ep.AddressFamily == AddressFamily.InterNetworkV6 => $"[{ep.Address}]:{Port(ep.Port)}",
        IPEndPoint ep => $"{ep.Address}:{Port(ep.Port)}",
        _ => endpoint.ToString() ?? "null",
    };

    /// <summary>A port as the outcome shows it: 0 stays 0, the fixed slots are S1, S2, others E1, E2... in order of first appearance.</summary>
    private string Port(int port)
    {
        if (port == 0)
        {
            return "0";
        }

        if (port > basePort && port <= basePort + 2)
        {
            return $"S{port - basePort}";
        }

        int i = ports.IndexOf(port);
        if (i < 0)
        {
            ports.Add(port);
            i = ports.Count - 1;
        }

        return $"E{i + 1}";
    }

    /// <summary>The exception's type, and its SocketError for socket exceptions.</summary>
    public static string Describe(Exception e) =>
        e is AggregateException { InnerException: Exception inner } ? Describe(inner)
        : e is SocketException se ? $"{e.GetType().Name}({se.SocketErrorCode})" : e.GetType().Name;
}
