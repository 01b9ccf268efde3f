using System.Globalization;
using System.Text;

namespace SimNet.Differential;

/// <summary>What a step does.</summary>
public enum Op
{
    /// <summary>Bind to an address class and port slot.</summary>
    Bind,
    /// <summary>Connect to an address class and port slot.</summary>
    Connect,
    /// <summary>SendTo an address class and port slot.</summary>
    SendTo,
    /// <summary>Send on a connected socket.</summary>
    Send,
    /// <summary>Drain with non-blocking ReceiveFrom.</summary>
    ReceiveFrom,
    /// <summary>Drain with non-blocking Receive.</summary>
    Receive,
    /// <summary>Drain with non-blocking ReceiveMessageFrom.</summary>
    ReceiveMessageFrom,
    /// <summary>Read Available.</summary>
    Available,
    /// <summary>Poll SelectRead and SelectError with no wait.</summary>
    Poll,
    /// <summary>Set SO_BROADCAST (Arg 0/1).</summary>
    Broadcast,
    /// <summary>Set IP_MULTICAST_LOOP (Arg 0/1).</summary>
    MulticastLoopback,
    /// <summary>Set IP_MULTICAST_TTL (Arg).</summary>
    MulticastTtl,
    /// <summary>Set SO_REUSEADDR (Arg 0/1).</summary>
    ReuseAddress,
    /// <summary>Join the group of the address class, on the interface of class Arg (0 any, 1 own).</summary>
    Join,
    /// <summary>Leave the group (same arguments as Join).</summary>
    Leave,
    /// <summary>Shutdown (Arg 0 Receive, 1 Send, 2 Both).</summary>
    Shutdown,
    /// <summary>Close (Dispose) the socket.</summary>
    Close,
    /// <summary>Set IP_MULTICAST_IF / IPV6_MULTICAST_IF (Arg 0 any, 1 first adapter, 2 last adapter, 3 IPv4: a neighbour's address, IPv6: loopback's index).</summary>
    MulticastInterface,
    /// <summary>Listen (TCP; Arg is the backlog).</summary>
    Listen,
    /// <summary>Non-blocking Accept; the accepted socket takes the scenario's next accepted slot.</summary>
    Accept,
    /// <summary>AcceptAsync (Task), awaited within a bound; a pending one is taken by the next accept step on the socket.</summary>
    AcceptAsync,
    /// <summary>ConnectAsync (Task), awaited within a bound.</summary>
    ConnectAsync,
    /// <summary>SendAsync (Task), awaited within a bound.</summary>
    SendAsync,
    /// <summary>SendToAsync (Task) to an address class and port slot, awaited within a bound.</summary>
    SendToAsync,
}

/// <summary>The address classes a step names; each resolves per topology and host.</summary>
public enum AddressClass
{
    /// <summary>0.0.0.0 or ::.</summary>
    Any,
    /// <summary>127.0.0.1 or ::1.</summary>
    Loopback,
    /// <summary>127.0.0.2 (IPv4 only; ::1 for IPv6).</summary>
    Loopback2,
    /// <summary>The host's first adapter address.</summary>
    Own,
    /// <summary>The host's second adapter address, or its first.</summary>
    Own2,
    /// <summary>Another host's address on the host's first segment.</summary>
    Neighbour,
    /// <summary>An address on a subnet the host is not on (another host's, else unroutable).</summary>
    Remote,
    /// <summary>The first adapter's subnet broadcast (IPv6: all-nodes ff02::1).</summary>
    SubnetBroadcast,
    /// <summary>255.255.255.255 (IPv6: all-nodes ff02::1).</summary>
    LimitedBroadcast,
    /// <summary>239.1.2.3 (IPv6: ff05::1:3).</summary>
    Multicast,
    /// <summary>224.0.0.251 (IPv6: ff02::fb).</summary>
    LinkLocalMulticast,
    /// <summary>203.0.113.9 (IPv6: 2001:db8:ff::9): no host has it.</summary>
    Unroutable,
}

/// <summary>One step of a scenario.</summary>
/// <param name="Op">What it does.</param>
/// <param name="S">Which socket (index into the scenario's sockets).</param>
/// <param name="Address">Address class for bind/connect/sendto/join.</param>
/// <param name="Port">Port slot: 0 is port 0, k is the scenario's k-th fixed port.</param>
/// <param name="Arg">Option value, shutdown direction, join interface.</param>
public sealed record Step(Op Op, int S, AddressClass Address = AddressClass.Any, int Port = 0, int Arg = 0)
{
    /// <inheritdoc />
    public override string ToString() => Op switch
    {
        Op.Bind or Op.Connect or Op.SendTo or Op.ConnectAsync or Op.SendToAsync => $"{Name(Op)} s{S} {Name(Address)} {Port}",
        Op.Join or Op.Leave => $"{Name(Op)} s{S} {Name(Address)} {(Arg == 0 ? "any" : "own")}",
        Op.Broadcast or Op.MulticastLoopback or Op.MulticastTtl or Op.ReuseAddress or Op.Shutdown or Op.MulticastInterface or Op.Listen => $"{Name(Op)} s{S} {Arg}",
        _ => $"{Name(Op)} s{S}",
    };

    /// <summary>Parses the form <see cref="ToString"/> writes.</summary>
    public static Step Parse(string text)
    {
        string[] w = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Op op = Enum.Parse<Op>(w[0], ignoreCase: true);
        int s = int.Parse(w[1].AsSpan(1), CultureInfo.InvariantCulture);
        return op switch
        {
            Op.Bind or Op.Connect or Op.SendTo or Op.ConnectAsync or Op.SendToAsync => new Step(op, s, Enum.Parse<AddressClass>(w[2], true), int.Parse(w[3], CultureInfo.InvariantCulture)),
            Op.Join or Op.Leave => new Step(op, s, Enum.Parse<AddressClass>(w[2], true), 0, w[3] == "any" ? 0 : 1),
            Op.Broadcast or Op.MulticastLoopback or Op.MulticastTtl or Op.ReuseAddress or Op.Shutdown or Op.MulticastInterface or Op.Listen => new Step(op, s, Arg: int.Parse(w[2], CultureInfo.InvariantCulture)),
            _ => new Step(op, s),
        };
    }

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}

/// <summary>A socket of a scenario: which host it lives on, and its kind.</summary>
/// <param name="Host">Index into the topology's hosts.</param>
/// <param name="V6">IPv6 rather than IPv4.</param>
/// <param name="Tcp">TCP rather than UDP.</param>
/// <param name="Dual">An IPv6 socket with DualMode on, whose address classes resolve to IPv4-mapped addresses (:: for Any).</param>
public sealed record SocketSpec(int Host, bool V6 = false, bool Tcp = false, bool Dual = false)
{
    /// <summary>The family as the tables name it: IPv4, IPv6 or dual.</summary>
    public string Family => Dual ? "dual" : V6 ? "IPv6" : "IPv4";

    /// <inheritdoc />
    public override string ToString() => $"{Host}{(Dual ? "dm" : V6 ? "v6" : "v4")}{(Tcp ? "tcp" : "udp")}";

    /// <summary>Parses the form <see cref="ToString"/> writes.</summary>
    public static SocketSpec Parse(string text)
    {
        int i = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        bool dual = text.AsSpan(i).StartsWith("dm");
        return new SocketSpec(int.Parse(text.AsSpan(0, i), CultureInfo.InvariantCulture), dual || text.AsSpan(i).StartsWith("v6"), text.EndsWith("tcp", StringComparison.Ordinal), dual);
    }
}

/// <summary>A generated scenario: a topology, its sockets, and the steps, written on one line.</summary>
/// <remarks>A TCP scenario's steps may name sockets past <see cref="Sockets"/>: slot <c>Sockets.Length + k</c> is the k-th accepted socket.</remarks>
public sealed record Scenario(string Topology, SocketSpec[] Sockets, Step[] Steps)
{
    /// <summary>How many accepted sockets a scenario can hold.</summary>
    public const int AcceptSlots = 2;

    /// <summary>TCP or UDP, as the tables name it (a scenario's sockets share one protocol).</summary>
    public string Protocol => Sockets[0].Tcp ? "TCP" : "UDP";

    /// <summary>The family as the tables name it: IPv4, IPv6, or dual when any socket is dual-mode.</summary>
    public string Family => Array.Exists(Sockets, s => s.Dual) ? "dual" : Sockets[0].Family;

    /// <summary>One line: <c>topology | sockets | step; step; ...</c>.</summary>
    public override string ToString() =>
        $"{Topology} | {string.Join(' ', Sockets.Select(s => s.ToString()))} | {string.Join("; ", Steps.Select(s => s.ToString()))}";

    /// <summary>Parses the line <see cref="ToString"/> writes.</summary>
    public static Scenario Parse(string line)
    {
        string[] parts = line.Split('|');
        return new Scenario(
            parts[0].Trim(),
            parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(SocketSpec.Parse).ToArray(),
            parts[2].Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Step.Parse).ToArray());
    }

    /// <summary>A multi-line listing for failure reports.</summary>
    public string Listing()
    {
        var text = new StringBuilder();
        text.Append("  topology ").AppendLine(Topology);
        for (int i = 0; i < Sockets.Length; i++)
        {
            SocketSpec s = Sockets[i];
            text.AppendLine(CultureInfo.InvariantCulture, $"  s{i} on {Topologies.Hosts(Topology)[s.Host].Name}: {(s.Dual ? "IPv6 dual-mode" : s.V6 ? "IPv6" : "IPv4")} {(s.Tcp ? "TCP" : "UDP")}");
        }

        if (Sockets[0].Tcp)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  s{Sockets.Length}.. are accepted sockets, in order of acceptance");
        }

        return text.ToString();
    }
}
