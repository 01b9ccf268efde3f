using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.AspNetCore;

/// <summary>
/// One simulated TCP connection as an ASP.NET Core <see cref="ConnectionContext"/>: the connection owns
/// two pipes and two loops that move bytes between them and a SimNet <see cref="Socket"/>.
/// </summary>
/// <remarks>
/// Both pipes schedule their continuations inline (<see cref="PipeScheduler.Inline"/>), so a reader
/// woken by the receive loop runs on the thread that drives the simulation, in the order the
/// simulation's events happen, instead of hopping to the thread pool.
/// </remarks>
internal sealed class SimNetConnection : ConnectionContext,
    IConnectionIdFeature, IConnectionTransportFeature, IConnectionItemsFeature, IConnectionLifetimeFeature, IConnectionEndPointFeature
{
    private const int MinReceiveBuffer = 4096;
    private const long PauseThreshold = 1024 * 1024;

    private readonly Socket socket;
    private readonly Pipe input;
    private readonly Pipe output;
    private readonly CancellationTokenSource closed = new();
    private readonly Action<SimNetConnection>? onClosed;
    private readonly FeatureCollection features = new();
    private Task? receiving;
    private Task? sending;
    private int loopsLeft = 2;
    private volatile bool aborted;
    private Exception? abortReason;
    private IDictionary<object, object?>? items;

    internal SimNetConnection(Socket socket, string connectionId, Action<SimNetConnection>? onClosed)
    {
        this.socket = socket;
        this.onClosed = onClosed;
        ConnectionId = connectionId;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        var options = new PipeOptions(
            pool: null,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: PauseThreshold,
            resumeWriterThreshold: PauseThreshold / 2,
            useSynchronizationContext: false);
        input = new Pipe(options);
        output = new Pipe(options);
        Transport = new DuplexPipe(input.Reader, output.Writer);
        ConnectionClosed = closed.Token;
        features.Set<IConnectionIdFeature>(this);
        features.Set<IConnectionTransportFeature>(this);
        features.Set<IConnectionItemsFeature>(this);
        features.Set<IConnectionLifetimeFeature>(this);
        features.Set<IConnectionEndPointFeature>(this);
    }

    /// <summary>The simulated socket under this connection.</summary>
    internal Socket Socket => socket;

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features => features;

    public override IDictionary<object, object?> Items
    {
        get => items ??= new ConnectionItems();
        set => items = value;
    }

    public override IDuplexPipe Transport { get; set; }

    public override CancellationToken ConnectionClosed { get; set; }

    public override EndPoint? LocalEndPoint { get; set; }

    public override EndPoint? RemoteEndPoint { get; set; }

    /// <summary>Starts moving bytes: the socket's input into the input pipe, the output pipe onto the socket.</summary>
    internal void Start()
    {
        receiving = ReceiveLoopAsync();
        sending = SendLoopAsync();
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (aborted)
        {
            return;
        }

        this.abortReason = abortReason;
        aborted = true;
        output.Reader.CancelPendingRead();
        CloseSocket();
    }

    public override async ValueTask DisposeAsync()
    {
        Transport.Input.Complete();
        Transport.Output.Complete();
        if (receiving is not null && sending is not null)
        {
            // Ends when the peer closes or the socket is closed; a connection being disposed closes it.
            CloseSocket();
            await receiving.ConfigureAwait(false);
            await sending.ConfigureAwait(false);
        }

        socket.Dispose();
        closed.Dispose();
    }

    private void CloseSocket()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        Exception? error = null;
        PipeWriter writer = input.Writer;
        try
        {
            while (true)
            {
                Memory<byte> buffer = writer.GetMemory(MinReceiveBuffer);
                int received = await socket.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    break; // FIN: the peer sends no more
                }

                writer.Advance(received);
                FlushResult flushed = await writer.FlushAsync().ConfigureAwait(false);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset)
        {
            error = new ConnectionResetException(e.Message, e);
        }
        catch (Exception e) when (aborted && e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            error = abortReason ?? new ConnectionAbortedException();
        }
        catch (ObjectDisposedException)
        {
            // disposed by DisposeAsync after the application completed its side: nothing more to read
        }
        catch (SocketException e)
        {
            error = new IOException(e.Message, e);
        }
        finally
        {
            writer.Complete(error);
            LoopEnded();
        }
    }

    private async Task SendLoopAsync()
    {
        Exception? error = null;
        PipeReader reader = output.Reader;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                if (result.IsCanceled)
                {
                    break;
                }

                System.Buffers.ReadOnlySequence<byte> buffer = result.Buffer;
                foreach (ReadOnlyMemory<byte> segment in buffer)
                {
                    await socket.SendAsync(segment, SocketFlags.None).ConfigureAwait(false);
                }

                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            if (!aborted)
            {
                socket.Shutdown(SocketShutdown.Send); // the application is done: FIN, as the socket transport does
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            error = aborted ? abortReason ?? new ConnectionAbortedException() : e is SocketException se && se.SocketErrorCode == SocketError.ConnectionReset ? new ConnectionResetException(se.Message, se) : null;
        }
        finally
        {
            reader.Complete(error);
            LoopEnded();
        }
    }

    private void LoopEnded()
    {
        if (Interlocked.Decrement(ref loopsLeft) != 0)
        {
            return;
        }

        try
        {
            closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        onClosed?.Invoke(this);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
