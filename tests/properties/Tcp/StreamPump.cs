using System.Net.Sockets;
using SimNet.Transport.Tcp;

namespace SimNet.Properties.Tcp;

/// <summary>
/// Drives one direction of a connection by hand: the writer pushes <see cref="Data"/> in the given
/// write sizes as the send buffer allows, then shuts down; the reader takes it in the given read
/// sizes. Stops at end of stream, at an error on either side, or when nothing is left to run.
/// </summary>
internal sealed class StreamPump
{
    private readonly TcpWorld world;
    private readonly TcpEndpoint writer;
    private readonly TcpEndpoint? listener;
    private TcpEndpoint? reader;
    private readonly IReadOnlyList<int> writes;
    private readonly IReadOnlyList<int> reads;
    private readonly MemoryStream received = new();
    private int writeIndex;
    private int writeOffset;
    private int position;
    private int readIndex;
    private bool shut;

    /// <summary>A pump into <paramref name="reader"/>, or, when that is null, into the next connection <paramref name="listener"/> accepts, whenever that happens.</summary>
    public StreamPump(TcpWorld world, TcpEndpoint writer, TcpEndpoint? reader, TcpEndpoint? listener, IReadOnlyList<int> writes, IReadOnlyList<int> reads, int seed)
    {
        this.world = world;
        this.writer = writer;
        this.reader = reader;
        this.listener = listener;
        this.writes = writes;
        this.reads = reads.Count == 0 ? new[] { 1024 } : reads;
        Data = new byte[writes.Sum()];
        new Random(seed).NextBytes(Data);
    }

    public byte[] Data { get; }

    public byte[] Received => received.ToArray();

    public bool EndOfStream { get; private set; }

    public SocketError WriterError { get; private set; }

    public SocketError ReaderError { get; private set; }

    public bool Failed => WriterError != SocketError.Success || ReaderError != SocketError.Success;

    /// <summary>Runs until end of stream, an error, or an idle agenda. Returns false only when it stalled with neither.</summary>
    public bool Run()
    {
        while (true)
        {
            Write();
            Read();
            if (EndOfStream || Failed)
            {
                return true;
            }

            if (!world.Sim.Step())
            {
                Write();
                Read();
                return EndOfStream || Failed;
            }
        }
    }

    private void Write()
    {
        while (WriterError == SocketError.Success && writeIndex < writes.Count)
        {
            int size = writes[writeIndex];
            if (writeOffset == size)
            {
                writeIndex++;
                writeOffset = 0;
                continue;
            }

            SocketError e = writer.Send(Data.AsSpan(position, size - writeOffset), out int sent);
            if (e == SocketError.WouldBlock)
            {
                return;
            }

            if (e != SocketError.Success)
            {
                WriterError = e;
                return;
            }

            writeOffset += sent;
            position += sent;
        }

        if (shut && WriterError == SocketError.Success && writer.PendingError != SocketError.Success)
        {
            WriterError = writer.TakePendingError(); // all written, then the connection failed: the owner's next call hears it
        }

        if (!shut && WriterError == SocketError.Success)
        {
            shut = true;
            SocketError e = writer.Shutdown(send: true, receive: false);
            if (e != SocketError.Success)
            {
                WriterError = e;
            }
        }
    }

    private void Read()
    {
        if (reader is null && listener!.TryAccept(out TcpEndpoint? accepted) == SocketError.Success)
        {
            reader = accepted;
        }

        while (reader is not null && !EndOfStream && ReaderError == SocketError.Success)
        {
            var buffer = new byte[Math.Max(1, reads[readIndex++ % reads.Count])];
            SocketError e = reader!.Receive(buffer, false, out int n);
            if (e == SocketError.WouldBlock)
            {
                return;
            }

            if (e != SocketError.Success)
            {
                ReaderError = e;
                return;
            }

            if (n == 0)
            {
                EndOfStream = true;
                return;
            }

            received.Write(buffer, 0, n);
        }
    }
}
