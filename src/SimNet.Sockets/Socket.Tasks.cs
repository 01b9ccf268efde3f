using System.Net;
using System.Net.Sockets;
using SimNet.Transport;
using SimNet.Transport.Tcp;

namespace SimNet.Sockets;

/// <summary>
/// What each async operation of <see cref="Socket"/> tries, on the one waiter type of the transport
/// layer (<see cref="SocketOperation{T}"/>, which owns the locking, the waiting and the completion).
/// </summary>
public sealed partial class Socket
{
    /// <summary>Runs a value-task operation: at once when it can answer now, else pending on the operation.</summary>
    private static ValueTask<T> RunAsync<T>(SocketOperation<T> op, CancellationToken cancellationToken)
    {
        if (!op.Start(notify: false, cancellationToken, out T? result, out SocketError error))
        {
            return op.AsValueTask();
        }

        return error == SocketError.Success ? new ValueTask<T>(result!) : ValueTask.FromException<T>(op.ToException(error));
    }

    /// <summary>Runs a value-task operation without a result.</summary>
    private static ValueTask RunAsyncWithoutResult<T>(SocketOperation<T> op, CancellationToken cancellationToken)
    {
        if (!op.Start(notify: false, cancellationToken, out _, out SocketError error))
        {
            return op.AsValueTaskWithoutResult();
        }

        return error == SocketError.Success ? ValueTask.CompletedTask : ValueTask.FromException(op.ToException(error));
    }

    /// <summary>Runs a SocketAsyncEventArgs operation whose steps fill the args: false when done at once (Completed not raised), true when pending.</summary>
    private static bool RunArgs<T>(SocketOperation<T> op, SocketAsyncEventArgs e) => RunArgs<T, object?>(op, e, null, null);

    /// <summary>
    /// Runs a SocketAsyncEventArgs operation: false when done at once (then <paramref name="atOnce"/> fills
    /// the args and Completed is not raised), true when pending (the operation raises Completed later).
    /// </summary>
    private static bool RunArgs<T, TState>(SocketOperation<T> op, SocketAsyncEventArgs e, TState state, Action<TState, SocketAsyncEventArgs, T?, SocketError>? atOnce)
    {
        if (op.Start(notify: true, CancellationToken.None, out T? result, out SocketError error))
        {
            atOnce?.Invoke(state, e, result, error);
            e.FinishSynchronously();
            return false;
        }

        return true;
    }

    /// <summary>
    /// An async UDP receive: takes the datagram inside the delivery event and projects it to the result
    /// type (bytes, <see cref="SocketReceiveFromResult"/>, <see cref="SocketReceiveMessageFromResult"/>).
    /// </summary>
    private sealed class DatagramReceive<T> : SocketOperation<T>
    {
        private readonly UdpProtocol udp;
        private Memory<byte> buffer;
        private bool peek;
        private EndPoint? given;
        private Func<Socket, ReceivedDatagram, EndPoint?, T>? project;

        public DatagramReceive(UdpProtocol udp)
            : base(udp.Owner.sim, udp.Endpoint) => this.udp = udp;

        public DatagramReceive<T> With(Memory<byte> buffer, SocketFlags flags, EndPoint? given, Func<Socket, ReceivedDatagram, EndPoint?, T> project)
        {
            this.buffer = buffer;
            peek = (flags & SocketFlags.Peek) != 0;
            this.given = given;
            this.project = project;
            return this;
        }

        public override string DescribeWait() => $"an async receive on {udp.Endpoint.Describe()}";

        protected override bool TryStep(out T result, out SocketError error)
        {
            // After Shutdown(Receive) an async receive still waits for the next datagram (measured: the
            // runtime's async path waits for one, unlike a blocking receive, which returns 0 at once).
            error = udp.Endpoint.TryReceive(buffer.Span, peek, out ReceivedDatagram d);
            result = error == SocketError.Success ? project!(udp.Owner, d, given) : default!;
            return error != SocketError.WouldBlock;
        }

        protected override Exception Failure(SocketError error) =>
            SocketErrors.Exception(error, error == SocketError.OperationAborted
                ? "the socket was closed while a receive was pending"
                : $"receive on {udp.Endpoint.Describe()}");

        protected override void Clear()
        {
            buffer = default;
            given = null;
            project = null;
        }
    }

    /// <summary>A SocketAsyncEventArgs UDP receive: fills the args in the delivery event, raises Completed in the completion.</summary>
    private sealed class DatagramArgsReceive : SocketOperation<int>
    {
        private readonly UdpProtocol udp;
        private readonly SocketAsyncEventArgs args;
        private bool stepped;

        public DatagramArgsReceive(UdpProtocol udp, SocketAsyncEventArgs args)
            : base(udp.Owner.sim, udp.Endpoint)
        {
            this.udp = udp;
            this.args = args;
        }

        public override string DescribeWait() => $"a {args.LastOperation} (SocketAsyncEventArgs) on {udp.Endpoint.Describe()}";

        protected override bool TryStep(out int result, out SocketError error)
        {
            // WouldBlock also after Shutdown(Receive), as the Task forms (measured).
            error = udp.Endpoint.TryReceive(args.Window.Span, (args.SocketFlags & SocketFlags.Peek) != 0, out ReceivedDatagram d);
            result = error == SocketError.Success ? d.Length : 0;
            if (error == SocketError.WouldBlock)
            {
                return false;
            }

            stepped = true;
            args.SocketError = error;
            args.BytesTransferred = result;
            if (error == SocketError.Success && d.Source is not null)
            {
                if (args.LastOperation != SocketAsyncOperation.Receive)
                {
                    args.RemoteEndPoint = udp.Owner.RemoteFor(d.Source, d.SourcePort);
                }

                args.ReceiveMessageFromPacketInfo = new IPPacketInformation(d.Destination, d.Adapter);
                args.SocketFlags = d.Truncated ? SocketFlags.Truncated : SocketFlags.None;
            }

            return true;
        }

        protected override Exception Failure(SocketError error) => SocketErrors.Exception(error, DescribeWait());

        protected override void Notify(int result, SocketError error, Exception? exception)
        {
            if (!stepped)
            {
                // Closed while pending: the step never ran.
                args.SocketError = error;
                args.BytesTransferred = 0;
            }

            args.FinishAndRaise();
        }
    }

    private enum StreamKind
    {
        Receive,
        Send,
        Connect,
    }

    /// <summary>
    /// An async receive, send (every byte) or connect on a stream socket, as a value task or, with
    /// <see cref="Args"/> set, as a SocketAsyncEventArgs operation (a connect then also sends <see cref="First"/>).
    /// </summary>
    private sealed class StreamTransfer : SocketOperation<int>
    {
        private readonly TcpProtocol tcp;
        private StreamKind kind;
        private Memory<byte> buffer;
        private ReadOnlyMemory<byte> data;
        private bool peek;
        private bool forStream;
        private int total;

        public StreamTransfer(TcpProtocol tcp, StreamKind kind, string? what = null)
            : base(tcp.Owner.sim, tcp.Endpoint)
        {
            this.tcp = tcp;
            this.kind = kind;
            What = what ?? kind switch
            {
                StreamKind.Receive => "an async receive",
                StreamKind.Send => "an async send",
                _ => "an async connect",
            };
        }

        public string What { get; }

        /// <summary>Set for a SocketAsyncEventArgs operation: its outcome goes there and Completed is raised.</summary>
        public SocketAsyncEventArgs? Args { get; init; }

        /// <summary>For ConnectAsync(SocketAsyncEventArgs): the buffer sent in full once connected (a copy taken at the call).</summary>
        public ReadOnlyMemory<byte> First { get; init; }

        /// <summary>Sets the next use's buffers; <paramref name="forStream"/>: a NetworkStream's read or write, whose failures are IOExceptions.</summary>
        public StreamTransfer With(Memory<byte> buffer, ReadOnlyMemory<byte> data, bool peek, bool forStream = false)
        {
            this.buffer = buffer;
            this.data = data;
            this.peek = peek;
            this.forStream = forStream;
            total = 0;
            return this;
        }

        public override string DescribeWait() => $"{What} on {tcp.Endpoint.Describe()}";

        protected override SocketError Prepare() =>
            kind == StreamKind.Connect && tcp.Owner.disposed ? SocketError.OperationAborted : SocketError.Success;

        protected override bool TryStep(out int result, out SocketError error)
        {
            TcpEndpoint endpoint = tcp.Endpoint;
            switch (kind)
            {
                case StreamKind.Receive:
                    if (buffer.IsEmpty && !endpoint.IsReadable && TcpStateMachine.IsSynchronized(endpoint.State))
                    {
                        // An async zero-byte receive waits until data (or the end, or an error) is there and
                        // then completes with 0, as .NET's does: SocketsHttpHandler and Kestrel rely on it to
                        // wait for input without holding a buffer.
                        (result, error) = (0, SocketError.WouldBlock);
                        return false;
                    }

                    error = endpoint.Receive(buffer.Span, peek, out result);
                    return error != SocketError.WouldBlock;

                case StreamKind.Send:
                    if (total > 0 && endpoint.PendingError != SocketError.Success)
                    {
                        (result, error) = (total, SocketError.Success); // what was taken counts; the error waits for the next call
                        return true;
                    }

                    error = endpoint.Send(data.Span[total..], out int sent);
                    total += sent;
                    result = total;
                    return !(error == SocketError.WouldBlock || (error == SocketError.Success && total < data.Length));

                default:
                    result = 0;
                    if (!tcp.Owner.disposed && !endpoint.ConnectFinished)
                    {
                        error = SocketError.WouldBlock;
                        return false;
                    }

                    error = tcp.FinishConnect();
                    return true;
            }
        }

        /// <summary>The socket's exception; for a NetworkStream, wrapped in the IOException its reads and writes throw (as the runtime's stream does).</summary>
        protected override Exception Failure(SocketError error)
        {
            SocketException e = tcp.Failure(error, What);
            return !forStream ? e
                : kind == StreamKind.Receive ? new IOException($"Unable to read data from the transport connection: {e.Message}.", e)
                : new IOException($"Unable to write data to the transport connection: {e.Message}.", e);
        }

        /// <summary>
        /// ConnectAsync(SocketAsyncEventArgs) after the SYN went out: waits for the handshake, then sends
        /// <see cref="First"/> in full, then raises Completed (BytesTransferred: its length). Each phase
        /// that is ready at once goes on in this call; one that waits goes on in <see cref="Notify"/>.
        /// </summary>
        public void StartArgsConnect()
        {
            if (Start(notify: true, CancellationToken.None, out int result, out SocketError error))
            {
                Advance(result, error);
            }
        }

        protected override void Notify(int result, SocketError error, Exception? exception) => Advance(result, error);

        /// <summary>A phase ended: a connect that worked goes on to send the first buffer; otherwise the args get the outcome and Completed is raised.</summary>
        private void Advance(int result, SocketError error)
        {
            SocketAsyncEventArgs e = Args!;
            if (kind == StreamKind.Connect && error == SocketError.Success && !First.IsEmpty)
            {
                if (tcp.Owner.disposed)
                {
                    error = SocketError.OperationAborted; // closed between the handshake and the send
                }
                else
                {
                    kind = StreamKind.Send;
                    With(default, First, peek: false);
                    if (!Start(notify: true, CancellationToken.None, out result, out error))
                    {
                        return; // Completed comes through Notify once the buffer is taken
                    }
                }
            }

            tcp.SetArgsResult(e, result, error, What);
            e.FinishAndRaise();
        }

        protected override void Clear()
        {
            buffer = default;
            data = default;
        }
    }

    /// <summary>An async accept (value task, or SocketAsyncEventArgs with <see cref="Args"/> set).</summary>
    private sealed class StreamAccept : SocketOperation<Socket>
    {
        private readonly TcpProtocol listener;
        private readonly string what;

        public StreamAccept(TcpProtocol listener, string what)
            : base(listener.Owner.sim, listener.Endpoint)
        {
            this.listener = listener;
            this.what = what;
        }

        public SocketAsyncEventArgs? Args { get; init; }

        public override string DescribeWait() => $"{what} on {listener.Endpoint.Describe()}";

        protected override SocketError Prepare() => listener.Owner.disposed ? SocketError.OperationAborted : SocketError.Success;

        protected override bool TryStep(out Socket result, out SocketError error)
        {
            error = listener.Endpoint.TryAccept(out TcpEndpoint? child);
            result = error == SocketError.Success ? new Socket(listener.Owner, child!) : null!;
            return error == SocketError.Success;
        }

        protected override Exception Failure(SocketError error) => listener.Failure(error, what);

        protected override void Notify(Socket? result, SocketError error, Exception? exception)
        {
            SocketAsyncEventArgs e = Args!;
            e.AcceptSocket = result;
            e.SocketError = error;
            e.FinishAndRaise();
        }
    }
}
