using System.Net;
using System.Net.Sockets;
using SimNet;
using SimNet.Topology;
using SimSocket = SimNet.Sockets.Socket;

/// <summary>
/// One bulk TCP transfer in 64 KiB writes and reads, on real loopback or through SimNet; shared by
/// <see cref="TcpBenchmarks"/> and the scaling harness so both measure the same thing. SimNet's socket
/// buffers are set to 1 MiB (real loopback sockets autotune up to 4 MiB; SimNet does not autotune).
/// </summary>
public static class TcpTransfer
{
    public const int Chunk = 64 << 10;

    public static void Real(int bytes)
    {
        byte[] payload = new byte[Chunk];
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        using Socket server = listener.Accept();
        Task<long> reader = Task.Run(async () =>
        {
            byte[] sink = new byte[Chunk];
            long total = 0;
            int n;
            while ((n = await server.ReceiveAsync(sink, SocketFlags.None)) > 0)
            {
                total += n;
            }

            return total;
        });
        for (int sent = 0; sent < bytes; sent += Chunk)
        {
            client.Send(payload);
        }

        client.Shutdown(SocketShutdown.Send);
        if (reader.GetAwaiter().GetResult() != bytes)
        {
            throw new InvalidOperationException("real loopback lost bytes");
        }
    }

    /// <summary>Returns the number of events on the agenda when the reader has read the last byte (in zero virtual time, so superseded timer events would all still be there).</summary>
    public static int Sim(int bytes, bool sameHost, bool stream)
    {
        var sim = new Simulation(seed: 1);
        sim.Trace.KeepEvents = false;
        Segment lan = sim.AddSegment("lan");
        Host server = sim.AddHost("server");
        server.AddAdapter("eth0", lan, "10.0.0.1/24");
        Host client = server;
        IPAddress address = IPAddress.Loopback;
        if (!sameHost)
        {
            client = sim.AddHost("client");
            client.AddAdapter("eth0", lan, "10.0.0.2/24");
            address = IPAddress.Parse("10.0.0.1");
        }

        long received = 0;
        int queued = -1;
        byte[] payload = new byte[Chunk];
        byte[] sink = new byte[Chunk];
        sim.Spawn(server, async () =>
        {
            using var listener = new SimSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.ReceiveBufferSize = 1 << 20;
            listener.Bind(new IPEndPoint(IPAddress.Any, 80));
            listener.Listen(1);
            using SimSocket peer = await listener.AcceptAsync();
            if (stream)
            {
                using var s = new SimNet.Sockets.NetworkStream(peer);
                int n;
                while ((n = await s.ReadAsync(sink.AsMemory())) > 0)
                {
                    received += n;
                }
            }
            else
            {
                int n;
                while ((n = await peer.ReceiveAsync(sink, SocketFlags.None)) > 0)
                {
                    received += n;
                }
            }

            queued = sim.AgendaCount;
        });
        sim.Run(client, async () =>
        {
            using var s = new SimSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { SendBufferSize = 1 << 20 };
            await s.ConnectAsync(new IPEndPoint(address, 80));
            if (stream)
            {
                using var ns = new SimNet.Sockets.NetworkStream(s);
                for (int sent = 0; sent < bytes; sent += Chunk)
                {
                    await ns.WriteAsync(payload.AsMemory());
                }
            }
            else
            {
                for (int sent = 0; sent < bytes; sent += Chunk)
                {
                    await s.SendAsync(payload, SocketFlags.None);
                }
            }

            s.Shutdown(SocketShutdown.Send);
        });
        sim.RunFor(TimeSpan.FromSeconds(1));
        return received == bytes ? queued : throw new InvalidOperationException($"received {received} of {bytes}");
    }
}
