using System.Globalization;
using SimNet;
using SimNet.Topology;
using SimNet.Tracing;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Sockets;
using SimNet.Windows.Storage.Streams;

namespace DatagramSocketChat;

/// <summary>What the demo saw, for the test that runs it.</summary>
/// <param name="Sim">The simulation, with its trace.</param>
/// <param name="AliceHeard">What alice's connected socket raised MessageReceived for, in order.</param>
/// <param name="MulticastConnectStatus">SocketError.GetStatus of the ConnectAsync to a multicast group.</param>
/// <param name="ConnectedBroadcastHeard">Who heard alice's ConnectAsync broadcast.</param>
/// <param name="StreamBroadcastHeard">Who heard alice's GetOutputStreamAsync broadcast.</param>
public sealed record ChatResult(
    Simulation Sim,
    IReadOnlyList<string> AliceHeard,
    SocketErrorStatus MulticastConnectStatus,
    IReadOnlyList<string> ConnectedBroadcastHeard,
    IReadOnlyList<string> StreamBroadcastHeard);

/// <summary>
/// The typical order of operations of a WinRT DatagramSocket, on a simulated network:
/// alice (wired eth0 and wlan0) chats with bob's echo service on the LAN while carol, a stranger,
/// writes to alice's port; then alice tries a multicast connect and both kinds of broadcast.
/// </summary>
public static class ChatDemo
{
    private const string EchoService = "echo"; // port 7 from the host's services file
    private const string BroadcastService = "9999";

    /// <summary>Runs the demo, logging each step to <paramref name="log"/>.</summary>
    public static ChatResult Run(long seed, TextWriter log, IReadOnlyList<string> messages)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(messages);
        var sim = new Simulation(seed);
        Segment lan = sim.AddSegment("lan");
        Segment wifi = sim.AddSegment("wifi");
        lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(1), Jitter = TimeSpan.FromMilliseconds(2) };
        wifi.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(4), Jitter = TimeSpan.FromMilliseconds(2) };
        Host alice = sim.AddHost("alice");
        alice.AddAdapter("eth0", lan, "10.0.0.1/24");
        alice.AddAdapter("wlan0", wifi, "192.168.1.10/24");
        Host bob = sim.AddHost("bob");
        bob.AddAdapter("eth0", lan, "10.0.0.2/24");
        Host carol = sim.AddHost("carol");
        carol.AddAdapter("eth0", lan, "10.0.0.3/24");
        Host dave = sim.AddHost("dave");
        dave.AddAdapter("wlan0", wifi, "192.168.1.20/24");

        void Say(Host who, string what) =>
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{sim.Clock.Elapsed.TotalMilliseconds,7:0.000} ms] {who.Name,-5} {what}"));

        Task Pause(int ms) => Task.Delay(TimeSpan.FromMilliseconds(ms), sim.Clock);

        // bob: an echo service, and a listener for broadcasts.
        var connectedBroadcastHeard = new List<string>();
        var streamBroadcastHeard = new List<string>();
        List<string>? broadcastLog = null;
        bob.Run(async () =>
        {
            var echo = new DatagramSocket();
            echo.MessageReceived += async (sender, e) =>
            {
                string text = ReadAll(e);
                Say(bob, $"echo service got \"{text}\" from {e.RemoteAddress}:{e.RemotePort}");
                IOutputStream back = await sender.GetOutputStreamAsync(e.RemoteAddress, e.RemotePort);
                await WriteAsync(back, "echo: " + text);
            };
            await echo.BindServiceNameAsync(EchoService);
            Say(bob, $"echo service bound to address {echo.Information.LocalAddress} port {echo.Information.LocalPort}");
        });
        foreach (Host listener in new[] { bob, dave })
        {
            listener.Run(async () =>
            {
                var socket = new DatagramSocket();
                socket.MessageReceived += (_, e) =>
                {
                    Say(listener, $"heard broadcast \"{ReadAll(e)}\" from {e.RemoteAddress} on {e.LocalAddress}");
                    broadcastLog?.Add(listener.Name);
                };
                await socket.BindServiceNameAsync(BroadcastService);
            });
        }

        // alice: the typical order of operations.
        var heard = new List<string>();
        var socket = (DatagramSocket?)null;
        alice.Run(async () =>
        {
            socket = new DatagramSocket();                                    // 1. create
            socket.Control.OutboundUnicastHopLimit = 64;                      // 2. advanced controls (rarely needed)
            socket.Control.QualityOfService = SocketQualityOfService.LowLatency;
            socket.MessageReceived += (_, e) =>                               // 3. assign MessageReceived
            {
                string text = ReadAll(e);
                heard.Add(text);
                Say(alice, $"MessageReceived \"{text}\" from {e.RemoteAddress}:{e.RemotePort}");
            };
            await socket.ConnectAsync(new HostName("bob"), EchoService);      // 4. connect to the remote endpoint
            Say(alice, $"connected {socket.Information.LocalAddress}:{socket.Information.LocalPort} -> {socket.Information.RemoteAddress}:{socket.Information.RemotePort}");
        });

        // carol writes to alice's port: the connected socket does not raise MessageReceived for her.
        carol.Run(async () =>
        {
            using var stranger = new DatagramSocket();
            IOutputStream toAlice = await stranger.GetOutputStreamAsync(new HostName("10.0.0.1"), socket!.Information.LocalPort);
            await WriteAsync(toAlice, "hi alice, it's carol");
            Say(carol, "wrote to alice's port");
        });

        SocketErrorStatus multicastStatus = SocketErrorStatus.Unknown;
        alice.Run(async () =>
        {
            var writer = new DataWriter(socket!.OutputStream);                // 5. OutputStream with a DataWriter
            foreach (string m in messages)
            {
                writer.WriteString(m);
                await writer.StoreAsync();                                    //    one datagram per store
                Say(alice, $"sent \"{m}\"");
                await Pause(10);
            }

            await Pause(50);                                                  // 6. MessageReceived runs as echoes arrive
            Say(alice, $"carol's datagrams dropped by the connect filter: {sim.Trace.Dropped(DropReason.FilteredByConnect)}");

            // The rules around the typical order.
            var multicast = new DatagramSocket();
            multicast.MessageReceived += (_, _) => { };
            try
            {
                await multicast.ConnectAsync(new HostName("239.1.2.3"), EchoService);
            }
            catch (Exception e)
            {
                multicastStatus = SocketError.GetStatus(e.HResult);
                Say(alice, $"ConnectAsync to 239.1.2.3 failed: HRESULT 0x{e.HResult:X8}, status {multicastStatus}");
            }

            broadcastLog = connectedBroadcastHeard;
            var connected = new DatagramSocket();
            connected.MessageReceived += (_, _) => { };
            await connected.ConnectAsync(new HostName("255.255.255.255"), BroadcastService);
            await WriteAsync(connected.OutputStream, "via the first adapter");
            Say(alice, $"ConnectAsync broadcast from {connected.Information.LocalAddress} (the first adapter, eth0)");
            await Pause(50);

            broadcastLog = streamBroadcastHeard;
            var any = new DatagramSocket();
            await WriteAsync(await any.GetOutputStreamAsync(new HostName("255.255.255.255"), BroadcastService), "via every adapter");
            Say(alice, "GetOutputStreamAsync broadcast: one copy through eth0 and one through wlan0");
            await Pause(50);
        });

        return new ChatResult(sim, heard, multicastStatus, connectedBroadcastHeard, streamBroadcastHeard);
    }

    /// <summary>The whole datagram of <paramref name="e"/> as UTF-8 text.</summary>
    public static string ReadAll(DatagramSocketMessageReceivedEventArgs e)
    {
        DataReader reader = e.GetDataReader();
        return reader.ReadString(reader.UnconsumedBufferLength);
    }

    /// <summary>Writes <paramref name="text"/> as one datagram, leaving the stream open.</summary>
    public static async Task WriteAsync(IOutputStream stream, string text)
    {
        var writer = new DataWriter(stream);
        writer.WriteString(text);
        await writer.StoreAsync();
        writer.DetachStream();
        writer.Dispose();
    }
}
