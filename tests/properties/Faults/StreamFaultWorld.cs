using System.Net.Sockets;
using SimNet.Kernel;
using SimNet.Properties.Tcp;
using SimNet.Topology;
using SimNet.Tracing;
using SimNet.Transport.Tcp;

namespace SimNet.Properties.Faults;

/// <summary>
/// Two hosts and one established connection (client on A, server on B), the link's latency drawn from the seed,
/// plus a pump that writes one way and reads after every simulation step, recording each read's size and time.
/// </summary>
internal sealed class StreamFaultWorld
{
    /// <summary>A world from <paramref name="seed"/>; when <paramref name="rough"/>, the link also has jitter, loss and duplication drawn from it.</summary>
    public StreamFaultWorld(long seed, bool rough = false)
    {
        Draw = new SimRandom(unchecked((ulong)seed) ^ 0x57AEA3F0UL);
        LatencyTicks = TimeSpan.FromMilliseconds(Draw.Next(0, 30)).Ticks;
        Conditions = new LinkConditions { Latency = TimeSpan.FromTicks(LatencyTicks) };
        if (rough)
        {
            Conditions = Conditions with
            {
                Jitter = TimeSpan.FromMilliseconds(Draw.Next(0, 10)),
                LossRate = Draw.Next(0, 3) * 0.05,
                DuplicationRate = Draw.Next(0, 2) * 0.02,
            };
        }

        World = new TcpWorld(seed, Conditions);
        (Client, Server) = World.Connect(World.Listen());
    }

    public LinkConditions Conditions { get; }

    /// <summary>Draws the scenario's shape (sizes, times); the simulation's own random stays untouched by it.</summary>
    public SimRandom Draw { get; }

    public long LatencyTicks { get; }

    public TcpWorld World { get; }

    public Simulation Sim => World.Sim;

    public Host A => World.A;

    public Host B => World.B;

    public TcpEndpoint Client { get; }

    public TcpEndpoint Server { get; }

    public long Now => Sim.Clock.NowTicks;

    public byte[] Bytes(int count)
    {
        var data = new byte[count];
        for (int i = 0; i < count; i++)
        {
            data[i] = (byte)Draw.Next(256);
        }

        return data;
    }

    /// <summary>Every packet made (sent or copied) was delivered or dropped with a reason, once the wire is quiet.</summary>
    public bool Conserved()
    {
        Trace t = Sim.Trace;
        return t.Count(TraceKind.Send) + t.Count(TraceKind.Copy) == t.Count(TraceKind.Deliver) + t.Count(TraceKind.Drop);
    }
}

/// <summary>One direction of a connection, driven by hand: writes in the given sizes, reads after every step.</summary>
internal sealed class StreamFaultPump(Simulation sim, TcpEndpoint writer, TcpEndpoint reader)
{
    private readonly byte[] buffer = new byte[1 << 17];
    private readonly MemoryStream received = new();
    private byte[] pending = Array.Empty<byte>();
    private int pendingOffset;

    /// <summary>Each read's byte count, in order.</summary>
    public List<int> Reads { get; } = new();

    public byte[] Received => received.ToArray();

    /// <summary>When the reader read 0 (end of stream), or -1.</summary>
    public long EndOfStreamTicks { get; private set; } = -1;

    public SocketError WriterError { get; private set; }

    public SocketError ReaderError { get; private set; }

    public bool WriteDone => pendingOffset == pending.Length;

    /// <summary>Queues <paramref name="data"/> to write, as the send buffer takes it.</summary>
    public void Write(byte[] data)
    {
        pending = pending.AsSpan(pendingOffset).ToArray().Concat(data).ToArray();
        pendingOffset = 0;
    }

    /// <summary>Steps the simulation, writing and reading between steps, until <paramref name="done"/> holds or nothing is left to run.</summary>
    public bool RunUntil(Func<bool> done, int maxSteps = 2_000_000)
    {
        for (int i = 0; i < maxSteps; i++)
        {
            Pump();
            if (done())
            {
                return true;
            }

            if (!sim.Step())
            {
                Pump();
                return done();
            }
        }

        return done();
    }

    /// <summary>Runs until the reader has seen end of stream or an error on either side.</summary>
    public bool RunToEnd() => RunUntil(() => EndOfStreamTicks >= 0 || ReaderError != SocketError.Success);

    private void Pump()
    {
        while (WriterError == SocketError.Success && !WriteDone)
        {
            SocketError e = writer.Send(pending.AsSpan(pendingOffset), out int n);
            if (e == SocketError.Success)
            {
                pendingOffset += n;
            }
            else if (e != SocketError.WouldBlock)
            {
                WriterError = e;
            }
            else
            {
                break;
            }
        }

        while (EndOfStreamTicks < 0 && ReaderError == SocketError.Success)
        {
            SocketError e = reader.Receive(buffer, false, out int r);
            if (e == SocketError.Success && r > 0)
            {
                Reads.Add(r);
                received.Write(buffer, 0, r);
            }
            else if (e == SocketError.Success)
            {
                EndOfStreamTicks = sim.Clock.NowTicks;
            }
            else if (e != SocketError.WouldBlock)
            {
                ReaderError = e;
            }
            else
            {
                break;
            }
        }
    }
}
