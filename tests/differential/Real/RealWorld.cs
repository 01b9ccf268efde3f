using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace SimNet.Differential;

/// <summary>
/// A topology of <see cref="Topologies"/> built from Linux network namespaces: one namespace per
/// host, one bridge per segment in the runner's own (private, unshared) namespace, one veth pair per
/// adapter. Sockets are created by switching the creating thread into the host's namespace (setns)
/// and back, so one process holds sockets of every host. Nothing here touches the machine's own
/// interfaces: the process runs under <c>unshare --net --mount</c>, and every address is a documentation one.
/// </summary>
public sealed class RealWorld : IWorld
{
    private const int CloneNewNet = 0x40000000;

    private static readonly SafeFileHandle Home = File.OpenHandle("/proc/thread-self/ns/net");

    private readonly SafeFileHandle[] namespaces;
    private readonly int[][] indexes;

    private RealWorld(HostSpec[] hosts, SafeFileHandle[] namespaces)
    {
        Hosts = hosts;
        this.namespaces = namespaces;
        indexes = new int[hosts.Length][];
        for (int h = 0; h < hosts.Length; h++)
        {
            indexes[h] = new int[hosts[h].Adapters.Length];
            Enter(namespaces[h]);
            try
            {
                for (int j = 0; j < indexes[h].Length; j++)
                {
                    indexes[h][j] = (int)if_nametoindex($"eth{j}");
                }
            }
            finally
            {
                Enter(Home);
            }
        }
    }

    /// <inheritdoc />
    public HostSpec[] Hosts { get; }

    /// <summary>How long <see cref="Settle"/> waits on the wall clock.</summary>
    public static TimeSpan SettleTime { get; set; } = TimeSpan.FromMilliseconds(4);

    /// <summary>The longest <see cref="Wait"/> waits on the wall clock for an async operation (it returns as soon as the operation ends).</summary>
    public static TimeSpan WaitBound { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Builds every topology; returns them by name.</summary>
    public static Dictionary<string, RealWorld> BuildAll()
    {
        var script = new StringBuilder();
        script.AppendLine("set -e");
        script.AppendLine("ip link set lo up");
        var names = new List<(string Topology, HostSpec[] Hosts, string[] Namespaces)>();
        for (int t = 0; t < Topologies.All.Count; t++)
        {
            (string topology, HostSpec[] hosts) = Topologies.All[t];
            var segments = new List<string>();
            var ns = new string[hosts.Length];
            for (int h = 0; h < hosts.Length; h++)
            {
                HostSpec host = hosts[h];
                ns[h] = $"d{t}{host.Name}";
                script.AppendLine($"ip netns add {ns[h]}");
                script.AppendLine($"ip netns exec {ns[h]} sysctl -qw net.ipv4.icmp_ratemask=0 net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 net.ipv4.ip_forward={(host.Forwards ? 1 : 0)} net.ipv6.conf.all.forwarding={(host.Forwards ? 1 : 0)}");
                script.AppendLine($"ip -n {ns[h]} link set lo up");
                for (int j = 0; j < host.Adapters.Length; j++)
                {
                    AdapterSpec a = host.Adapters[j];
                    int s = segments.IndexOf(a.Segment);
                    if (s < 0)
                    {
                        segments.Add(a.Segment);
                        s = segments.Count - 1;
                        script.AppendLine($"ip link add b{t}s{s} type bridge stp_state 0 forward_delay 0 mcast_snooping 0");
                        script.AppendLine($"ip link set b{t}s{s} up");
                    }

                    string inner = $"v{t}{h}{j}", outer = $"p{t}{h}{j}";
                    script.AppendLine($"ip link add {inner} type veth peer name {outer}");
                    script.AppendLine($"ip link set {inner} netns {ns[h]}");
                    script.AppendLine($"ip -n {ns[h]} link set {inner} name eth{j}");
                    script.AppendLine($"ip -n {ns[h]} addr add {a.Cidr} brd + dev eth{j}");
                    if (a.Cidr6 is not null)
                    {
                        script.AppendLine($"ip -n {ns[h]} addr add {a.Cidr6} dev eth{j} nodad");
                    }

                    script.AppendLine($"ip -n {ns[h]} link set eth{j} up");
                    script.AppendLine($"ip link set {outer} master b{t}s{s}");
                    script.AppendLine($"ip link set {outer} up");
                }

                if (host.Gateway is not null)
                {
                    script.AppendLine($"ip -n {ns[h]} route add default via {host.Gateway}");
                }

                if (host.Gateway6 is not null)
                {
                    script.AppendLine($"ip -n {ns[h]} -6 route add default via {host.Gateway6}");
                }
            }

            names.Add((topology, hosts, ns));
        }

        Shell(script.ToString());
        var worlds = new Dictionary<string, RealWorld>(StringComparer.Ordinal);
        foreach ((string topology, HostSpec[] hosts, string[] ns) in names)
        {
            var handles = new SafeFileHandle[ns.Length];
            for (int i = 0; i < ns.Length; i++)
            {
                handles[i] = File.OpenHandle($"/run/netns/{ns[i]}");
            }

            worlds.Add(topology, new RealWorld(hosts, handles));
        }

        return worlds;
    }

    /// <inheritdoc />
    public Socket NewSocket(SocketSpec spec)
    {
        Enter(namespaces[spec.Host]);
        try
        {
            return new Socket(
                spec.V6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork,
                spec.Tcp ? SocketType.Stream : SocketType.Dgram,
                spec.Tcp ? ProtocolType.Tcp : ProtocolType.Udp);
        }
        finally
        {
            Enter(Home);
        }
    }

    /// <inheritdoc />
    public void Settle() => Thread.Sleep(SettleTime);

    /// <inheritdoc />
    public bool Wait(Task task) => ((IAsyncResult)task).AsyncWaitHandle.WaitOne(WaitBound);

    /// <inheritdoc />
    public int InterfaceIndex(int host, int adapter) => indexes[host][adapter];

    private static void Enter(SafeFileHandle ns)
    {
        if (setns((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
        {
            throw new InvalidOperationException($"setns failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    private static void Shell(string script)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardInput = true, RedirectStandardError = true, RedirectStandardOutput = true };
        using Process p = Process.Start(start) ?? throw new InvalidOperationException("cannot start sh");
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        Task<string> err = p.StandardError.ReadToEndAsync();
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            throw new InvalidOperationException("building the namespaces overran 60 s");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"building the namespaces failed ({p.ExitCode}): {err.Result.Trim()} {output.Result.Trim()}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);

    [DllImport("libc", SetLastError = true)]
    private static extern uint if_nametoindex([MarshalAs(UnmanagedType.LPUTF8Str)] string name);
}
