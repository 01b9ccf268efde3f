using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SimNet;
using SimNet.Topology;
using Socket = SimNet.Sockets.Socket;

namespace UdpChat;

/// <summary>
/// A small office: three desks on a LAN and a printer behind a router. Desks find each other by
/// broadcast, chat by unicast, and the printer announces itself by multicast. Every run with the
/// same seed prints the same trace and hash.
/// </summary>
public static class Demo
{
    private const int ChatPort = 5000;
    private static readonly IPAddress Announcements = IPAddress.Parse("239.0.0.42");

    /// <summary>Builds the office, runs one virtual minute of it, and returns the simulation.</summary>
    public static Simulation Run(long seed, TextWriter log)
    {
        var sim = new Simulation(seed);
        var lan = sim.AddSegment("office-lan");
        var printers = sim.AddSegment("printer-lan");
        lan.Conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(2), Jitter = TimeSpan.FromMilliseconds(3), LossRate = 0.05 };

        var router = sim.AddRouter("router");
        router.AddAdapter("eth0", lan, "10.0.0.254/24");
        router.AddAdapter("eth1", printers, "10.0.1.254/24");

        string[] names = { "alice", "bob", "carol" };
        var desks = names.Select((name, i) =>
        {
            Host h = sim.AddHost(name);
            h.AddAdapter("eth0", lan, $"10.0.0.{i + 1}/24");
            h.AddDefaultRoute("10.0.0.254");
            return h;
        }).ToArray();

        Host printer = sim.AddHost("printer");
        printer.AddAdapter("eth0", printers, "10.0.1.9/24");
        printer.AddDefaultRoute("10.0.1.254");

        foreach (Host desk in desks)
        {
            sim.Spawn(desk, () => DeskAsync(sim, log));
        }

        sim.Spawn(printer, () => PrinterAsync(sim));
        sim.RunFor(TimeSpan.FromMinutes(1));
        return sim;
    }

    private static async Task DeskAsync(Simulation sim, TextWriter log)
    {
        Host me = Host.Current!;
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { EnableBroadcast = true };
        socket.Bind(new IPEndPoint(IPAddress.Any, ChatPort));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Announcements, me.Adapters[0].Index));

        // Say hello to everyone on the LAN, at a moment drawn from the seed.
        await Task.Delay(TimeSpan.FromMilliseconds(sim.Random.Next(1, 500)), sim.Clock);
        await socket.SendToAsync(Encoding.UTF8.GetBytes($"HELLO {me.Name}"), new IPEndPoint(IPAddress.Parse("10.0.0.255"), ChatPort));

        var buffer = new byte[512];
        var known = new SortedSet<string>(StringComparer.Ordinal);
        while (true)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0));
            }
            catch (SocketException)
            {
                return;
            }

            string text = Encoding.UTF8.GetString(buffer, 0, r.ReceivedBytes);
            var from = (IPEndPoint)r.RemoteEndPoint;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sim.Clock.Elapsed.TotalMilliseconds,9:F3} ms  {me.Name,-7} <- {from,-16} {text}"));
            if (text.StartsWith("HELLO ", StringComparison.Ordinal) && text[6..] != me.Name && known.Add(text[6..]))
            {
                await socket.SendToAsync(Encoding.UTF8.GetBytes($"hi {text[6..]}, {me.Name} here"), from);
            }
        }
    }

    private static async Task PrinterAsync(Simulation sim)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 2); // one router hop
        for (int i = 0; i < 3; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(20), sim.Clock);
            await socket.SendToAsync(Encoding.UTF8.GetBytes($"PRINTER ready, {i} jobs queued"), new IPEndPoint(Announcements, ChatPort));
        }
    }
}
