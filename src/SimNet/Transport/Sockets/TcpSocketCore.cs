using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Transport.Tcp;

namespace SimNet.Transport.Sockets;

/// <summary>The TCP core of a socket: its <see cref="TcpEndpoint"/>, and the operations the socket APIs call, each under the world's lock.</summary>
internal sealed class TcpSocketCore : SocketCore
{
    public TcpSocketCore(Host host, AddressFamily family, bool dualMode)
        : base(host)
    {
        lock (Simulation.Gate)
        {
            Endpoint = new TcpEndpoint(host, family) { DualMode = dualMode };
        }
    }

    /// <summary>Wraps a connection a listener accepted.</summary>
    public TcpSocketCore(Host host, TcpEndpoint accepted)
        : base(host) => Endpoint = accepted;

    /// <summary>The kernel endpoint: read it only inside <see cref="SocketCore.Read"/>, a wait condition or a waiter's step.</summary>
    public TcpEndpoint Endpoint { get; }

    protected override SocketError BindInKernel(IPAddress address, int port) => Endpoint.Bind(address, port);

    public SocketError Listen(int backlog)
    {
        lock (Simulation.Gate)
        {
            return Endpoint.Listen(backlog);
        }
    }

    protected override SocketError ConnectInKernel(IPAddress address, int port) => Endpoint.Connect(address, port);

    /// <summary>Takes the next accepted connection; WouldBlock when none is queued.</summary>
    public SocketError TryAccept(out TcpEndpoint? connection)
    {
        lock (Simulation.Gate)
        {
            return Endpoint.TryAccept(out connection);
        }
    }

    /// <summary>
    /// Puts the rest of <paramref name="data"/> (from <paramref name="total"/> on) into the send buffer.
    /// Once something was taken, a pending error waits for the next call (Linux returns what it took).
    /// </summary>
    public SocketError Send(ReadOnlySpan<byte> data, ref int total)
    {
        lock (Simulation.Gate)
        {
            if (total > 0 && Endpoint.PendingError != SocketError.Success)
            {
                return SocketError.Success;
            }

            SocketError error = Endpoint.Send(data[total..], out int sent);
            total += sent;
            return error == SocketError.Success && total < data.Length ? SocketError.WouldBlock : error;
        }
    }

    public SocketError Receive(Span<byte> buffer, bool peek, out int received)
    {
        lock (Simulation.Gate)
        {
            return Endpoint.Receive(buffer, peek, out received);
        }
    }

    protected override SocketError ShutdownInKernel(bool send, bool receive) => Endpoint.Shutdown(send, receive);

    protected override void CloseInKernel() => Endpoint.Close();

    /// <summary>
    /// Before a blocking close with SO_LINGER (true, n > 0): sends the FIN after the buffered data and
    /// returns the virtual deadline to wait for its acknowledgement; null when there is nothing to wait
    /// for, or unread data makes the close a reset (Linux close()).
    /// </summary>
    public long? StartLingeringClose()
    {
        lock (Simulation.Gate)
        {
            TcpEndpoint t = Endpoint;
            if (!t.LingerEnabled || t.LingerSeconds <= 0 || t.Available > 0 || !TcpStateMachine.IsSynchronized(t.State))
            {
                return null;
            }

            t.Shutdown(send: true, receive: false);
            return Simulation.Clock.NowTicks + (t.LingerSeconds * TimeSpan.TicksPerSecond);
        }
    }

    protected override int AvailableInKernel => Endpoint.Available;

    protected override SocketError TakePendingErrorInKernel() => Endpoint.TakePendingError();

    protected override bool IsBoundInKernel => Endpoint.IsBound;

    protected override string DescribeInKernel() => Endpoint.Describe();
}
