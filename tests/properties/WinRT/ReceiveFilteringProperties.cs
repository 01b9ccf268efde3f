using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Tracing;
using SimNet.Windows.Networking;
using HostName = SimNet.Windows.Networking.HostName;
using SimNet.Windows.Networking.Sockets;
using Xunit;
using static SimNet.Properties.WinRT.WinRTWorld;

namespace SimNet.Properties.WinRT;

/// <summary>Seed: "Only incoming packets that match the remote endpoint ... will trigger the MessageReceived event"
/// and "With the GetOutputStreamAsync methods, the app will receive packets from any remote destination".</summary>
public class ReceiveFilteringProperties
{
    private sealed record SenderSpec(int Segment, int Sockets, int Messages, int DelayMs);

    private sealed record Scenario(long Seed, int Segments, SenderSpec[] Senders, int Chosen, int Port, int LatencyMs);

    private static readonly Gen<Scenario> Scenarios =
        from seed in Seed
        from segments in Gen.Choose(1, 3)
        from count in Gen.Choose(1, 5)
        from senders in Gen.ArrayOf(
            from seg in Gen.Choose(0, segments - 1)
            from socks in Gen.Choose(1, 2)
            from msgs in Gen.Choose(1, 3)
            from delay in Gen.Choose(0, 20)
            select new SenderSpec(seg, socks, msgs, delay), count)
        from chosen in Gen.Choose(0, 1000)
        from port in Port
        from latency in Gen.Choose(0, 5)
        select new Scenario(seed, segments, senders, chosen, port, latency);

    /// <summary>A sending socket of the scenario: host, address, port, and what it sends.</summary>
    private sealed record Source(Host Host, string Address, string ReceiverAddress, int Port, string[] Messages, int DelayMs);

    private static (Simulation Sim, Host Receiver, List<Source> Sources) Build(Scenario s)
    {
        var sim = new Simulation(s.Seed);
        Host r = sim.AddHost("r");
        var segments = new List<Segment>();
        for (int i = 0; i < s.Segments; i++)
        {
            Segment net = sim.AddSegment($"net{i}");
            net.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(s.LatencyMs) };
            r.AddAdapter($"eth{i}", net, $"10.{i}.0.1/24");
            segments.Add(net);
        }

        var sources = new List<Source>();
        for (int j = 0; j < s.Senders.Length; j++)
        {
            SenderSpec spec = s.Senders[j];
            string address = $"10.{spec.Segment}.0.{10 + j}";
            Host h = sim.AddHost($"s{j}");
            h.AddAdapter("eth0", segments[spec.Segment], address + "/24");
            for (int k = 0; k < spec.Sockets; k++)
            {
                string[] messages = Enumerable.Range(0, spec.Messages).Select(m => $"s{j}k{k}m{m}").ToArray();
                sources.Add(new Source(h, address, $"10.{spec.Segment}.0.1", s.Port + 1 + k, messages, spec.DelayMs));
            }
        }

        return (sim, r, sources);
    }

    private static Task StartSenders(Simulation sim, IEnumerable<Source> sources, int receiverPort) =>
        Task.WhenAll(sources.Select(async src =>
        {
            var socket = new DatagramSocket(src.Host);
            socket.MessageReceived += (_, _) => { };
            await socket.BindServiceNameAsync(P(src.Port));
            var stream = await socket.GetOutputStreamAsync(new HostName(src.ReceiverAddress), P(receiverPort));
            foreach (string m in src.Messages)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(src.DelayMs), sim.Clock);
                await SendAsync(stream, m);
            }
        }));

    [SimNetProperty(MaxTest = 30)]
    public Property After_ConnectAsync_MessageReceived_fires_only_for_datagrams_from_the_connected_remote_endpoint()
    {
        return Prop.ForAll(Arb.From(Scenarios), s =>
        {
            (Simulation sim, Host r, List<Source> sources) = Build(s);
            Source chosen = sources[s.Chosen % sources.Count];
            var got = new List<(string From, string Port, string Text)>();
            r.Run(async () =>
            {
                var socket = new DatagramSocket();
                socket.MessageReceived += (_, e) => got.Add((e.RemoteAddress.CanonicalName, e.RemotePort, Text(e)));
                await socket.ConnectAsync(new EndpointPair(null, P(s.Port), new HostName(chosen.Address), P(chosen.Port)));
                await StartSenders(sim, sources, s.Port);
                await Pause(sim, 100);
            });

            Assert.Equal(chosen.Messages.Select(m => (chosen.Address, P(chosen.Port), m)), got);
            int others = sources.Where(x => x != chosen).Sum(x => x.Messages.Length);
            long refused = sim.Trace.Dropped(DropReason.FilteredByConnect) + sim.Trace.Events.Count(e => e.Kind == TraceKind.Drop && e.Reason == DropReason.PortUnreachable && e.Host == "r");
            Assert.Equal(others, refused);
        });
    }

    [SimNetProperty(MaxTest = 30)]
    public Property A_bound_socket_using_GetOutputStreamAsync_receives_from_any_remote()
    {
        return Prop.ForAll(Arb.From(Scenarios), s =>
        {
            (Simulation sim, Host r, List<Source> sources) = Build(s);
            Source target = sources[s.Chosen % sources.Count];
            var got = new List<string>();
            var targetGot = new List<string>();
            r.Run(async () =>
            {
                var socket = new DatagramSocket();
                socket.MessageReceived += (_, e) => got.Add(Text(e));
                await socket.BindServiceNameAsync(P(s.Port));
                Task senders = StartSenders(sim, sources, s.Port);
                var stream = await socket.GetOutputStreamAsync(new HostName(target.Address), P(target.Port));
                await SendAsync(stream, "hello");
                await senders;
                await Pause(sim, 100);
            });

            Assert.Equal(sources.SelectMany(x => x.Messages).OrderBy(m => m, StringComparer.Ordinal), got.OrderBy(m => m, StringComparer.Ordinal));
            Assert.Equal(0, sim.Trace.Dropped(DropReason.FilteredByConnect));
        });
    }
}
