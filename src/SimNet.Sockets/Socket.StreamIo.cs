using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using SimNet.Kernel;
using SimNet.Transport.Tcp;

namespace SimNet.Sockets;

public sealed partial class Socket
{
    // One reusable operation per direction, as the runtime's sockets keep one awaitable per direction:
    // a receive or send that has to wait allocates nothing once its socket has waited before.
    private StreamIo? receiveIo;
    private StreamIo? sendIo;

    /// <summary>
    /// Receives into <paramref name="buffer"/> (or sends all of <paramref name="data"/>) through the socket's
    /// pooled operation; completes at once when the endpoint can answer now.
    /// </summary>
    private ValueTask<int> StreamIoAsync(bool send, Memory<byte> buffer, ReadOnlyMemory<byte> data, bool peek, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        lock (sim.Gate)
        {
            ref StreamIo? slot = ref send ? ref sendIo : ref receiveIo;
            StreamIo io = slot is { IsIdle: true } idle ? idle : (slot = new StreamIo(this, send));
            io.Prepare(buffer, data, peek);
            if (io.Step(out int result, out SocketError error))
            {
                io.Release();
                return error == SocketError.Success ? new ValueTask<int>(result) : ValueTask.FromException<int>(StreamFailure(error, io.What));
            }

            return io.Wait(cancellationToken);
        }
    }

    /// <summary>
    /// An async receive or send on a stream socket, reused by its socket: a <see cref="ManualResetValueTaskSourceCore{TResult}"/>
    /// behind the <see cref="ValueTask{TResult}"/>, completed as a simulation completion (no context, driving thread).
    /// </summary>
    private sealed class StreamIo : SimulationWait, ITcpWaiter, IValueTaskSource<int>
    {
        private readonly Socket socket;
        private readonly bool send;
        private ManualResetValueTaskSourceCore<int> core;
        private Memory<byte> buffer;
        private ReadOnlyMemory<byte> data;
        private bool peek;
        private int total;
        private CancellationToken cancellationToken;
        private CancellationTokenRegistration registration;
        private int result;
        private SocketError error;
        private int idle = 1;

        public StreamIo(Socket socket, bool send)
        {
            this.socket = socket;
            this.send = send;
        }

        public bool IsIdle => Volatile.Read(ref idle) == 1;

        public string What => send ? "an async send" : "an async receive";

        public override string DescribeWait() => $"{What} on {socket.Tcp.Describe()}";

        public void Prepare(Memory<byte> buffer, ReadOnlyMemory<byte> data, bool peek)
        {
            idle = 0;
            this.buffer = buffer;
            this.data = data;
            this.peek = peek;
            total = 0;
        }

        public void Release()
        {
            buffer = default;
            data = default;
            cancellationToken = default;
            Volatile.Write(ref idle, 1);
        }

        /// <summary>One attempt; true when done (bytes, end of stream, every byte taken, or an error).</summary>
        public bool Step(out int result, out SocketError error)
        {
            TcpEndpoint tcp = socket.Tcp;
            if (!send)
            {
                if (buffer.IsEmpty && !tcp.IsReadable && TcpStateMachine.IsSynchronized(tcp.State))
                {
                    // An async zero-byte receive waits until data (or the end, or an error) is there and
                    // then completes with 0, as .NET's does: SocketsHttpHandler and Kestrel rely on it to
                    // wait for input without holding a buffer.
                    (result, error) = (0, SocketError.WouldBlock);
                    return false;
                }

                error = tcp.Receive(buffer.Span, peek, out result);
                return error != SocketError.WouldBlock;
            }

            if (total > 0 && tcp.PendingError != SocketError.Success)
            {
                (result, error) = (total, SocketError.Success); // what was taken counts; the error waits for the next call
                return true;
            }

            error = tcp.Send(data.Span[total..], out int sent);
            total += sent;
            result = total;
            return !(error == SocketError.WouldBlock || (error == SocketError.Success && total < data.Length));
        }

        /// <summary>Under the world's lock: registers the wait and returns the pending value task.</summary>
        public ValueTask<int> Wait(CancellationToken token)
        {
            core.Reset();
            cancellationToken = token;
            socket.sim.AddWait(this);
            if (token.CanBeCanceled)
            {
                registration = token.UnsafeRegister(static s => ((StreamIo)s!).Cancel(), this);
            }

            socket.Tcp.AddWaiter(this);
            return new ValueTask<int>(this, core.Version);
        }

        public bool TryComplete(TcpEndpoint endpoint)
        {
            if (!Step(out result, out error))
            {
                return false;
            }

            Finish();
            socket.sim.PostCompletion(static s => ((StreamIo)s!).Publish(), this);
            return true;
        }

        public void Abort(SocketError status)
        {
            // Close ends the wait at once: the caller of Dispose may await it without driving the simulation.
            Finish();
            (result, error) = (0, status);
            Publish();
        }

        private void Cancel()
        {
            lock (socket.sim.Gate)
            {
                if (!socket.Tcp.RemoveWaiter(this))
                {
                    return; // already done
                }

                Finish();
            }

            // As the runtime's sockets: awaiting a cancelled operation throws OperationCanceledException itself.
            core.SetException(new OperationCanceledException(cancellationToken));
        }

        private void Finish()
        {
            registration.Unregister();
            registration = default;
            socket.sim.RemoveWait(this);
        }

        private void Publish()
        {
            if (error == SocketError.Success)
            {
                core.SetResult(result);
            }
            else
            {
                core.SetException(socket.StreamFailure(error, What));
            }
        }

        public int GetResult(short token)
        {
            try
            {
                return core.GetResult(token);
            }
            finally
            {
                Release();
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            core.OnCompleted(continuation, state, token, flags);
    }
}
