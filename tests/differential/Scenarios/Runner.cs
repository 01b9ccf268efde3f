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
    private readonly byte[] buffer = new byte[256];

    private Runner(IWorld world, Scenario scenario, int basePort)
    {
        this.world = world;
        this.scenario = scenario;
        this.basePort = basePort;
        sockets = new Socket?[scenario.Sockets.Length];
    }

    /// <summary>Runs <paramref name="scenario"/> in <paramref name="world"/>; fixed port slot k is <paramref name="basePort"/> + k.</summary>
    public static List<string> Run(IWorld world, Scenario scenario, int basePort)
    {
        var runner = new Runner(world, scenario, basePort);
        var lines = new List<string>(scenario.Steps.Length);
        try
        {
            bool sent = false;
            for (int i = 0; i < scenario.Sockets.Length; i++)
            {
                Socket s = world.NewSocket(scenario.Sockets[i]);
                s.Blocking = false; // every real wait is bounded: nothing in a step blocks
                runner.sockets[i] = s;
            }

            for (int i = 0; i < scenario.Steps.Length; i++)
            {
                Step step = scenario.Steps[i];
                if (sent && step.Op is Op.ReceiveFrom or Op.Receive or Op.ReceiveMessageFrom or Op.Available or Op.Poll)
                {
                    world.Settle();
                    sent = false;
                }

                lines.Add(runner.Execute(step, i));
                sent |= step.Op is Op.SendTo or Op.Send or Op.Connect;
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
        }

        return lines;
    }

    private string Execute(Step step, int index)
    {
        Socket s = sockets[step.S]!;
        SocketSpec spec = scenario.Sockets[step.S];
        string result;
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
                Op.Poll => $"read {s.Poll(0, SelectMode.SelectRead)} error {s.Poll(0, SelectMode.SelectError)}",
                Op.Broadcast => Ok(() => s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, step.Arg)),
                Op.MulticastLoopback => Ok(() => s.MulticastLoopback = step.Arg != 0),
                Op.MulticastTtl => Ok(() => s.SetSocketOption(spec.V6 ? SocketOptionLevel.IPv6 : SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, step.Arg)),
                Op.ReuseAddress => Ok(() => s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, step.Arg)),
                Op.Join => Ok(() => Membership(s, spec, step, SocketOptionName.AddMembership)),
                Op.Leave => Ok(() => Membership(s, spec, step, SocketOptionName.DropMembership)),
                Op.Shutdown => Ok(() => s.Shutdown(step.Arg switch { 0 => SocketShutdown.Receive, 1 => SocketShutdown.Send, _ => SocketShutdown.Both })),
                Op.Close => Ok(s.Dispose),
                _ => throw new InvalidOperationException(step.Op.ToString()),
            };
        }
        catch (Exception e)
        {
            result = Describe(e);
        }

        if (step.Op is Op.Bind or Op.Connect or Op.SendTo or Op.Send or Op.Shutdown)
        {
            result += $" | L={Read(() => s.LocalEndPoint)} R={Read(() => s.RemoteEndPoint)}";
        }

        return $"{step} -> {result}";
    }

    private void Membership(Socket s, SocketSpec spec, Step step, SocketOptionName name)
    {
        IPAddress group = Resolve(spec, step.Address);
        if (spec.V6)
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

                text.Append(Encoding.ASCII.GetString(buffer, 0, n)).Append(extra).Append("; ");
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
    private IPAddress Resolve(SocketSpec spec, AddressClass c) => Addresses.Resolve(world.Hosts, spec.Host, c, spec.V6);

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
        e is SocketException se ? $"{e.GetType().Name}({se.SocketErrorCode})" : e.GetType().Name;
}
