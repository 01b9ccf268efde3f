using System.Net;
using System.Net.Sockets;
using SimNet.Topology;

namespace SimNet.Transport.Sockets;

/// <summary>
/// The kernel side of one socket as the socket APIs see it (the runtime's <c>SocketPal</c> pattern): one
/// core per protocol, whose operations take the world's lock themselves and answer with a
/// <see cref="SocketError"/>, never an exception. <c>SimNet.Sockets</c> shapes those answers into the
/// real APIs (exceptions, .NET's own object state, blocking and async forms) and never takes the lock.
/// </summary>
internal abstract class SocketCore
{
    protected SocketCore(Host host)
    {
        Host = host;
        Simulation = host.Simulation;
    }

    public Host Host { get; }

    public Simulation Simulation { get; }

    /// <summary>Binds to <paramref name="address"/>:<paramref name="port"/> (0: ephemeral).</summary>
    public SocketError Bind(IPAddress address, int port) => Read((this, address, port), static s => s.Item1.BindInKernel(s.address, s.port));

    /// <summary>UDP: sets the default peer and the receive filter. TCP: sends the SYN (the handshake goes on in the kernel).</summary>
    public SocketError Connect(IPAddress address, int port) => Read((this, address, port), static s => s.Item1.ConnectInKernel(s.address, s.port));

    /// <summary>Shuts down one or both directions (UDP: NotConnected when there is no peer, the directions shut all the same).</summary>
    public SocketError Shutdown(bool send, bool receive) => Read((this, send, receive), static s => s.Item1.ShutdownInKernel(s.send, s.receive));

    /// <summary>Closes: pending operations end with OperationAborted.</summary>
    public void Close() => Update(this, static c => c.CloseInKernel());

    /// <summary>Closes, with <paramref name="before"/> (the API layer's own state change) in the same hold of the lock.</summary>
    public void Close<TState>(TState state, Action<TState> before)
    {
        lock (Simulation.Gate)
        {
            before(state);
            CloseInKernel();
        }
    }

    /// <summary>Bytes that a receive would take now (UDP: the next datagram; TCP: the buffered stream).</summary>
    public int Available => Read(this, static c => c.AvailableInKernel);

    /// <summary>Takes the pending error (SO_ERROR).</summary>
    public SocketError TakePendingError() => Read(this, static c => c.TakePendingErrorInKernel());

    /// <summary>Whether the socket is bound in the kernel.</summary>
    public bool IsBound => Read(this, static c => c.IsBoundInKernel);

    /// <summary>The socket in a user's words, for messages.</summary>
    public string Describe() => Read(this, static c => c.DescribeInKernel());

    // The protocol's answers, called under the world's lock.
    protected abstract SocketError BindInKernel(IPAddress address, int port);

    protected abstract SocketError ConnectInKernel(IPAddress address, int port);

    protected abstract SocketError ShutdownInKernel(bool send, bool receive);

    protected abstract void CloseInKernel();

    protected abstract int AvailableInKernel { get; }

    protected abstract SocketError TakePendingErrorInKernel();

    protected abstract bool IsBoundInKernel { get; }

    protected abstract string DescribeInKernel();

    /// <summary>Reads the world's state (a host's adapters, routes) under its lock, for socket APIs that have no socket yet.</summary>
    public static TResult ReadWorld<TState, TResult>(Simulation simulation, TState state, Func<TState, TResult> read)
        where TState : allows ref struct
    {
        lock (simulation.Gate)
        {
            return read(state);
        }
    }

    /// <summary>Reads kernel state under the world's lock (conditions, option values, endpoints); <paramref name="read"/> must not block.</summary>
    public TResult Read<TState, TResult>(TState state, Func<TState, TResult> read)
        where TState : allows ref struct
    {
        lock (Simulation.Gate)
        {
            return read(state);
        }
    }

    /// <summary>Changes kernel state under the world's lock (options); <paramref name="update"/> must not block.</summary>
    public void Update<TState>(TState state, Action<TState> update)
        where TState : allows ref struct
    {
        lock (Simulation.Gate)
        {
            update(state);
        }
    }
}
