using System.Net.Sockets;
using System.Threading.Tasks.Sources;
using SimNet.Kernel;
using SimNet.Transport.Tcp;

namespace SimNet.Transport;

/// <summary>
/// The one waiter and completion type of the socket APIs: an async operation (a receive, a send, a
/// connect, an accept; UDP, TCP or WinRT) that waits on a kernel endpoint, reusable after it completes
/// (a <see cref="ManualResetValueTaskSourceCore{TResult}"/> behind the <see cref="ValueTask{TResult}"/>,
/// as the runtime's sockets keep one awaitable per direction).
/// </summary>
/// <remarks>
/// <para>It owns the locking: <see cref="Start"/> takes the world's lock, tries once, and either answers at
/// once or registers with its endpoint, the deadlock report (<see cref="SimulationWait"/>) and its
/// cancellation token. A kernel event (under the lock) tries again through <c>TryComplete</c>;
/// when that finishes the operation, the result is published as a simulation completion (driving
/// thread, no context, outside the lock), so user continuations never run inside the kernel; an await
/// registered on the simulation's context gets it as an item of that context instead (see
/// <see cref="OnCompleted"/>).</para>
/// <para>The API layer says what one attempt is (<see cref="TryStep"/>), what a failure throws
/// (<see cref="Failure"/>), and, for SocketAsyncEventArgs operations, how the result is raised
/// (<see cref="Notify"/>) instead of completing a value task.</para>
/// </remarks>
internal abstract class SocketOperation<T> : SimulationWait, IUdpWaiter, ITcpWaiter, IValueTaskSource<T>, IValueTaskSource
{
    private readonly Simulation sim;
    private readonly UdpEndpoint? udp;
    private readonly TcpEndpoint? tcp;
    private ManualResetValueTaskSourceCore<T> core;
    private CancellationToken cancellationToken;
    private CancellationTokenRegistration registration;
    private T? result;
    private SocketError error;
    private Exception? exception;
    private int idle = 1;
    private bool starting;
    private bool notifies;
    private bool finished;
    private bool resumesInContext;

    protected SocketOperation(Simulation sim, UdpEndpoint endpoint)
    {
        this.sim = sim;
        udp = endpoint;
    }

    protected SocketOperation(Simulation sim, TcpEndpoint endpoint)
    {
        this.sim = sim;
        tcp = endpoint;
    }

    /// <summary>Whether the operation is free for its next use.</summary>
    public bool IsIdle => Volatile.Read(ref idle) == 1;

    /// <summary>
    /// Called once, under the world's lock, before the first attempt (the API layer's checks that must
    /// see the same state as the attempt). An error other than Success ends the operation with it.
    /// </summary>
    protected virtual SocketError Prepare() => SocketError.Success;

    /// <summary>One attempt, under the world's lock: true when done, with the result or the error.</summary>
    protected abstract bool TryStep(out T result, out SocketError error);

    /// <summary>What a failed operation throws; runs in the completion (outside the lock), or at once when it failed at once.</summary>
    protected abstract Exception Failure(SocketError error);

    /// <summary>For operations started with <c>notify: true</c>: takes the outcome instead of a value task; runs in the completion.</summary>
    protected virtual void Notify(T? result, SocketError error, Exception? exception)
    {
    }

    /// <summary>Whether a pending operation is listed in deadlock reports (a standing listener, such as WinRT's MessageReceived, is not).</summary>
    protected virtual bool Reported => true;

    /// <summary>Whether the outcome is raised on the simulation's context (WinRT events) instead of as a completion with no context.</summary>
    protected virtual bool NotifiesInContext => false;

    /// <summary>Whether a close of the endpoint is raised (through <see cref="Notify"/> or the value task); a standing listener just stops.</summary>
    protected virtual bool RaisesAbort => true;

    /// <summary>Called when the operation is free again, to drop references to buffers and results.</summary>
    protected virtual void Clear()
    {
    }

    /// <summary>
    /// Starts the operation. When it is done at once, returns true with <paramref name="result"/> and
    /// <paramref name="error"/> and the operation is free again (nothing is raised); otherwise it waits,
    /// and its outcome comes through <see cref="AsValueTask"/> or, with <paramref name="notify"/>, <see cref="Notify"/>.
    /// </summary>
    /// <exception cref="Exception">An exception of the API layer's <see cref="Prepare"/> or <see cref="TryStep"/> when it failed at once.</exception>
    public bool Start(bool notify, CancellationToken token, out T? result, out SocketError error)
    {
        idle = 0;
        notifies = notify;
        lock (sim.Gate)
        {
            bool done;
            try
            {
                error = Prepare();
                result = default;
                done = error != SocketError.Success || TryStep(out result, out error);
            }
            catch
            {
                Release();
                throw;
            }

            if (done)
            {
                Release();
                return true;
            }

            core.Reset();
            cancellationToken = token;
            if (Reported)
            {
                sim.AddWait(this);
            }

            if (token.CanBeCanceled)
            {
                registration = token.Register(static s => ((SocketOperation<T>)s!).Cancel(), this);
            }

            // Adding the waiter lets the endpoint try at once (TCP does); done then, it answers in this call.
            starting = true;
            try
            {
                Attach();
            }
            finally
            {
                starting = false;
            }
        }

        result = default;
        error = SocketError.IOPending;
        return false;
    }

    /// <summary>Starts a notifying operation whose outcome, even one ready at once, is always raised through <see cref="Notify"/>.</summary>
    public void StartNotifying()
    {
        if (Start(notify: true, CancellationToken.None, out T? ready, out SocketError status))
        {
            idle = 0;
            notifies = true;
            (result, error, exception) = (ready, status, null);
            Schedule();
        }
    }

    /// <summary>The exception a failure ends this operation with (for an operation that failed at once).</summary>
    public Exception ToException(SocketError status) => Failure(status);

    /// <summary>The pending value task of an operation <see cref="Start"/> left waiting.</summary>
    public ValueTask<T> AsValueTask() => new(this, core.Version);

    /// <summary>The pending value task of an operation <see cref="Start"/> left waiting, without its result.</summary>
    public ValueTask AsValueTaskWithoutResult() => new(this, core.Version);

    /// <summary>Kernel event, under the lock: tries again; true when finished (the endpoint then drops the waiter).</summary>
    public bool TryComplete(UdpEndpoint endpoint) => TryComplete();

    /// <inheritdoc cref="TryComplete(UdpEndpoint)"/>
    public bool TryComplete(TcpEndpoint endpoint) => TryComplete();

    private bool TryComplete()
    {
        try
        {
            if (!TryStep(out T stepResult, out SocketError stepError))
            {
                return false;
            }

            (result, error, exception) = (stepResult, stepError, null);
        }
        catch (Exception e)
        {
            (result, error, exception) = (default, SocketError.SocketError, e); // finished either way: never left registered after taking data
        }

        Finish();
        if (starting && !notifies)
        {
            Publish(); // done in the caller's own call, as the real socket answers what is ready
        }
        else
        {
            Schedule();
        }

        return true;
    }

    private void Schedule()
    {
        if (NotifiesInContext || resumesInContext)
        {
            sim.Context.Post(static s => ((SocketOperation<T>)s!).Publish(), this);
        }
        else
        {
            sim.PostCompletion(static s => ((SocketOperation<T>)s!).Publish(), this);
        }
    }

    /// <summary>
    /// The endpoint closed under the operation: it ends at once (the caller of Dispose may await it without
    /// driving), except that an await on the simulation's context resumes there on the next step, never inside Dispose.
    /// </summary>
    public void Abort(SocketError status)
    {
        Finish();
        (result, error, exception) = (default, status, null);
        if (!RaisesAbort)
        {
            Release();
        }
        else if (notifies || resumesInContext)
        {
            Schedule(); // an awaiter on the simulation's context resumes there, later, never inside the caller's Close
        }
        else
        {
            Publish();
        }
    }

    private void Cancel()
    {
        lock (sim.Gate)
        {
            if (!Detach())
            {
                return; // already done
            }

            Finish();
        }

        // As the runtime's sockets: awaiting a cancelled operation throws OperationCanceledException itself
        // (measured), not the TaskCanceledException a cancelled task would give.
        (result, error, exception) = (default, SocketError.OperationAborted, new OperationCanceledException(cancellationToken));
        if (resumesInContext)
        {
            Schedule();
        }
        else
        {
            Publish();
        }
    }

    private void Attach()
    {
        if (udp is not null)
        {
            udp.AddWaiter(this);
        }
        else
        {
            tcp!.AddWaiter(this);
        }
    }

    private bool Detach() => udp?.RemoveWaiter(this) ?? tcp!.RemoveWaiter(this);

    private void Finish()
    {
        finished = true;
        registration.Unregister();
        registration = default;
        if (Reported)
        {
            sim.RemoveWait(this);
        }
    }

    private void Publish()
    {
        if (notifies)
        {
            (T? r, SocketError e, Exception? x) = (result, error, exception);
            Release();
            Notify(r, e, x);
            return;
        }

        if (exception is not null)
        {
            core.SetException(exception);
        }
        else if (error != SocketError.Success)
        {
            core.SetException(Failure(error));
        }
        else
        {
            core.SetResult(result!);
        }
    }

    private void Release()
    {
        finished = false;
        resumesInContext = false;
        result = default;
        exception = null;
        cancellationToken = default;
        Clear();
        Volatile.Write(ref idle, 1);
    }

    public T GetResult(short token)
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

    void IValueTaskSource.GetResult(short token) => GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => core.GetStatus(token);

    /// <remarks>
    /// An await on the simulation's own context, before the operation finished, resumes in one step:
    /// the finished operation publishes its result as an item of that context (see <see cref="Schedule"/>),
    /// and the continuation then runs inline there. Left to the core, the result would be published as a
    /// completion and the core would post the continuation to the context again: two steps and a
    /// closure per operation. Everything else (another context, a scheduler, ConfigureAwait(false), an
    /// operation already finished) goes to the core as it is.
    /// </remarks>
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        if ((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0 && !finished && !notifies
            && SynchronizationContext.Current == sim.Context && sim.IsDriverThread)
        {
            resumesInContext = true; // only the driving thread finishes operations, and it is here: no race
            flags &= ~ValueTaskSourceOnCompletedFlags.UseSchedulingContext;
        }

        core.OnCompleted(continuation, state, token, flags);
    }
}
