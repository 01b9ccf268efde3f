using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using SimNet;
using SimNet.Topology;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Sockets;
using SimNet.Windows.Storage.Streams;

/// <summary>
/// Echo round trips through the WinRT-shaped DatagramSocket on a simulated LAN, against the same
/// exchange over the machine's real loopback with System.Net.Sockets.
/// </summary>
[MemoryDiagnoser]
public class DatagramSocketBenchmarks
{
    [Params(1000)]
    public int RoundTrips { get; set; }

    [Benchmark]
    public int SimNet_DatagramSocket_echo()
    {
        var sim = new Simulation(1);
        Segment lan = sim.AddSegment("lan");
        Host a = sim.AddHost("a");
        a.AddAdapter("eth0", lan, "10.0.0.1/24");
        Host b = sim.AddHost("b");
        b.AddAdapter("eth0", lan, "10.0.0.2/24");
        int received = 0;
        b.Run(async () =>
        {
            var echo = new DatagramSocket();
            echo.MessageReceived += async (s, e) =>
            {
                IOutputStream back = await s.GetOutputStreamAsync(e.RemoteAddress, e.RemotePort);
                DataReader r = e.GetDataReader();
                await back.WriteAsync(r.ReadBuffer(r.UnconsumedBufferLength));
            };
            await echo.BindServiceNameAsync("7");
        });
        a.Run(async () =>
        {
            var done = new TaskCompletionSource();
            var socket = new DatagramSocket();
            byte[] payload = new byte[64];
            socket.MessageReceived += async (s, _) =>
            {
                if (++received == RoundTrips)
                {
                    done.SetResult();
                    return;
                }

                await s.OutputStream.WriteAsync(payload);
            };
            await socket.ConnectAsync(new HostName("10.0.0.2"), "7");
            await socket.OutputStream.WriteAsync(payload);
            await done.Task;
        });
        return received;
    }

    [Benchmark(Baseline = true)]
    public int Real_loopback_UdpClient_echo()
    {
        using var echo = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        client.Connect((IPEndPoint)echo.Client.LocalEndPoint!);
        byte[] payload = new byte[64];
        IPEndPoint from = new(IPAddress.Any, 0);
        for (int i = 0; i < RoundTrips; i++)
        {
            client.Send(payload, payload.Length);
            byte[] got = echo.Receive(ref from);
            echo.Send(got, got.Length, from);
            client.Receive(ref from);
        }

        return RoundTrips;
    }
}
