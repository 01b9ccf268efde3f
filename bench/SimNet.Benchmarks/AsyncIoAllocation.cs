using System.Net;
using System.Net.Sockets;
using SimNet;
using SimNet.Topology;
using SimSocket = SimNet.Sockets.Socket;

/// <summary>
/// Bytes allocated per operation by SimNet's async socket I/O in steady state, measured with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around a loop on the driving thread (every
/// completion and continuation runs there). Run:
/// <c>dotnet run -c Release --project bench/SimNet.Benchmarks -- io-alloc [iterations]</c>.
/// </summary>
public static class AsyncIoAllocation
{
    public static void Run(string[] args)
    {
        int iterations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        if (Array.IndexOf(args, "--sample") >= 0)
        {
            // Which types allocate, from the runtime's allocation sampling (one event about every 100 KB).
            using var sampler = new AllocationSampler();
            sampler.Start();
            UdpSyncConnected(iterations);
            UdpPingPong(iterations);
            StreamRoundTrip(iterations, captureContext: true);
            foreach ((string type, long bytes) in sampler.Stop())
            {
                Console.WriteLine($"{type}: {bytes:N0}");
            }

            return;
        }

        Console.WriteLine($"# SimNet async I/O allocation, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {iterations:N0} operations after {Warmup:N0} warm-up");
        Console.WriteLine("| what | bytes per operation |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine($"| NetworkStream: WriteAsync 64 B + peer ReadExactlyAsync 64 B | {StreamRoundTrip(iterations, captureContext: false):N1} |");
        Console.WriteLine($"| same, awaited on the simulation's context (no ConfigureAwait): Stream.ReadExactlyAsync is the runtime's own async method, and the runtime posts its continuation to the context with a closure | {StreamRoundTrip(iterations, captureContext: true):N1} |");
        Console.WriteLine($"| NetworkStream: WriteAsync 64 B + peer ReadAsync (pending first) | {StreamRoundTrip(iterations, captureContext: false, readFirst: true):N1} |");
        Console.WriteLine($"| same, awaited on the simulation's context (no ConfigureAwait) | {StreamRoundTrip(iterations, captureContext: true, readFirst: true):N1} |");
        Console.WriteLine($"| UDP ping-pong: SendToAsync + ReceiveFromAsync (EndPoint) | {UdpPingPong(iterations):N1} |");
        Console.WriteLine($"| UDP ping-pong: SendAsync + ReceiveAsync (connected) | {UdpPingPong(iterations, connected: true):N1} |");
        Console.WriteLine($"| same, awaited on the simulation's context (no ConfigureAwait) | {UdpPingPong(iterations, connected: true, captureContext: true):N1} |");
        Console.WriteLine($"| UDP, synchronous: Send + Receive (connected), for comparison | {UdpSyncConnected(iterations):N1} |");
    }

    private const int Warmup = 1_000;

    private static Simulation NewWorld(out Host a, out Host b)
    {
        var sim = new Simulation(seed: 1);
        sim.Trace.KeepEvents = false;
        Segment lan = sim.AddSegment("lan");
        a = sim.AddHost("a");
        a.AddAdapter("eth0", lan, "10.0.0.1/24");
        b = sim.AddHost("b");
        b.AddAdapter("eth0", lan, "10.0.0.2/24");
        return sim;
    }

    /// <summary>The allocation counter at the start of the measured part, read when <paramref name="i"/> reaches the warm-up count.</summary>
    private static void Mark(int i, ref long before)
    {
        if (i == Warmup)
        {
            before = GC.GetAllocatedBytesForCurrentThread();
        }
    }

    /// <summary>UDP sockets on 10.0.0.1:4000 (ping) and 10.0.0.2:5000 (pong), optionally connected to each other.</summary>
    private static Simulation UdpPair(bool connect, out SimSocket ping, out SimSocket pong)
    {
        Simulation sim = NewWorld(out Host a, out Host b);
        ping = new SimSocket(a, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        ping.Bind(new IPEndPoint(IPAddress.Any, 4000));
        pong = new SimSocket(b, AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        pong.Bind(new IPEndPoint(IPAddress.Any, 5000));
        if (connect)
        {
            ping.Connect(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000));
            pong.Connect(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 4000));
        }

        return sim;
    }

    private static (SimNet.Sockets.NetworkStream Client, SimNet.Sockets.NetworkStream Server) Connect(Simulation sim, Host a, Host b)
    {
        var listener = new SimSocket(b, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Any, 80));
        listener.Listen();
        var client = new SimSocket(a, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 80));
        SimSocket server = listener.Accept();
        return (new SimNet.Sockets.NetworkStream(client, ownsSocket: true), new SimNet.Sockets.NetworkStream(server, ownsSocket: true));
    }

    private static double StreamRoundTrip(int iterations, bool captureContext, bool readFirst = false)
    {
        Simulation sim = NewWorld(out Host a, out Host b);
        (var client, var server) = Connect(sim, a, b);
        byte[] payload = new byte[64];
        byte[] sink = new byte[64];
        return sim.Run(async () =>
        {
            long before = 0;
            for (int i = 0; i < Warmup + iterations; i++)
            {
                Mark(i, ref before);
                if (readFirst)
                {
                    ValueTask<int> read = server.ReadAsync(sink); // pending: nothing sent yet
                    await client.WriteAsync(payload).ConfigureAwait(captureContext);
                    await read.ConfigureAwait(captureContext);
                }
                else
                {
                    await client.WriteAsync(payload).ConfigureAwait(captureContext);
                    await server.ReadExactlyAsync(sink).ConfigureAwait(captureContext);
                }
            }

            return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / iterations;
        });
    }

    /// <summary>One datagram each way per iteration, both receives pending before the send; bytes per datagram.</summary>
    private static double UdpPingPong(int iterations, bool connected = false, bool captureContext = false)
    {
        Simulation sim = UdpPair(connected, out SimSocket ping, out SimSocket pong);
        EndPoint toPong = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 5000);
        EndPoint toPing = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 4000);
        byte[] payload = new byte[64];
        byte[] sinkA = new byte[2048];
        byte[] sinkB = new byte[2048];
        return sim.Run(async () =>
        {
            long before = 0;
            for (int i = 0; i < Warmup + iterations; i++)
            {
                Mark(i, ref before);
                if (connected)
                {
                    ValueTask<int> atPong = pong.ReceiveAsync(sinkB.AsMemory());
                    await ping.SendAsync(payload.AsMemory()).ConfigureAwait(captureContext);
                    await atPong.ConfigureAwait(captureContext);
                    ValueTask<int> atPing = ping.ReceiveAsync(sinkA.AsMemory());
                    await pong.SendAsync(payload.AsMemory()).ConfigureAwait(captureContext);
                    await atPing.ConfigureAwait(captureContext);
                }
                else
                {
                    ValueTask<SocketReceiveFromResult> atPong = pong.ReceiveFromAsync(sinkB.AsMemory(), toPing);
                    await ping.SendToAsync(payload.AsMemory(), toPong).ConfigureAwait(captureContext);
                    await atPong.ConfigureAwait(captureContext);
                    ValueTask<SocketReceiveFromResult> atPing = ping.ReceiveFromAsync(sinkA.AsMemory(), toPong);
                    await pong.SendToAsync(payload.AsMemory(), toPing).ConfigureAwait(captureContext);
                    await atPing.ConfigureAwait(captureContext);
                }
            }

            return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / iterations / 2;
        });
    }

    private static double UdpSyncConnected(int iterations)
    {
        UdpPair(connect: true, out SimSocket ping, out SimSocket pong);
        byte[] payload = new byte[64];
        byte[] sink = new byte[2048];
        long before = 0;
        for (int i = 0; i < Warmup + iterations; i++)
        {
            Mark(i, ref before);
            ping.Send(payload);
            pong.Receive(sink);
        }

        return (double)(GC.GetAllocatedBytesForCurrentThread() - before) / iterations;
    }
}
