using System.Net;
using System.Net.Sockets;
using SimNet.Topology;

namespace SimNet.Transport.Sockets;

/// <summary>The UDP core of a socket: its <see cref="UdpEndpoint"/>, and the operations the socket APIs call, each under the world's lock.</summary>
internal sealed class UdpSocketCore : SocketCore
{
    public UdpSocketCore(Host host, AddressFamily family)
        : base(host)
    {
        lock (Simulation.Gate)
        {
            Endpoint = new UdpEndpoint(host, family);
        }
    }

    /// <summary>The kernel endpoint: read it only inside <see cref="SocketCore.Read"/>, a wait condition or a waiter's step.</summary>
    public UdpEndpoint Endpoint { get; }

    protected override SocketError BindInKernel(IPAddress address, int port) => Endpoint.Bind(address, port);

    protected override SocketError ConnectInKernel(IPAddress address, int port) => Endpoint.Connect(address, port);

    /// <summary>Connects; <paramref name="wasBound"/> says whether the socket was bound before (Linux binds it first, even when the connect then fails).</summary>
    public SocketError Connect(IPAddress address, int port, IPAddress? via, out bool wasBound)
    {
        lock (Simulation.Gate)
        {
            wasBound = Endpoint.IsBound;
            return Endpoint.Connect(address, port, via);
        }
    }

    /// <summary>Sends one datagram; <paramref name="wasBound"/> as for <see cref="Connect(IPAddress, int, IPAddress?, out bool)"/>.</summary>
    public SocketError SendTo(ReadOnlySpan<byte> payload, IPAddress destination, int port, IPAddress? via, out bool wasBound)
    {
        lock (Simulation.Gate)
        {
            wasBound = Endpoint.IsBound;
            return Endpoint.SendTo(payload, destination, port, via);
        }
    }

    /// <summary>
    /// Sends one datagram to the connected peer. Not connected: Linux binds the socket to the wildcard
    /// first and answers DestinationAddressRequired.
    /// </summary>
    public SocketError Send(ReadOnlySpan<byte> payload, out bool wasBound)
    {
        lock (Simulation.Gate)
        {
            wasBound = Endpoint.IsBound;
            if (!Endpoint.IsConnected)
            {
                Endpoint.AutoBindWildcard();
                return SocketError.DestinationAddressRequired;
            }

            return Endpoint.SendTo(payload, Endpoint.RemoteAddress!, Endpoint.RemotePort);
        }
    }

    /// <summary>Takes the next datagram; WouldBlock when none is queued.</summary>
    public SocketError TryReceive(Span<byte> buffer, bool peek, out ReceivedDatagram datagram)
    {
        lock (Simulation.Gate)
        {
            return Endpoint.TryReceive(buffer, peek, out datagram);
        }
    }

    /// <summary>
    /// A blocking receive's first attempt: takes the next datagram or, when none is queued and the call
    /// may block (and the receive side is open), takes the driver's seat in the same lock instead of the
    /// next one (<paramref name="seated"/>; see <see cref="Simulation.TryTakeDriverSeatLocked"/>).
    /// </summary>
    public SocketError ReceiveOrTakeSeat(Span<byte> buffer, bool peek, bool mayBlock, long deadlineTicks, out ReceivedDatagram datagram, out bool shutDown, out bool seated, out bool entered)
    {
        lock (Simulation.Gate)
        {
            (shutDown, seated, entered) = (false, false, false);
            SocketError error = Endpoint.TryReceive(buffer, peek, out datagram);
            if (error != SocketError.WouldBlock || !mayBlock)
            {
                return error;
            }

            shutDown = Endpoint.ShutdownReceive;
            if (!shutDown)
            {
                seated = Simulation.TryTakeDriverSeatLocked(deadlineTicks, out entered);
            }

            return error;
        }
    }

    protected override SocketError ShutdownInKernel(bool send, bool receive)
    {
        Endpoint.ShutdownSend |= send;
        Endpoint.ShutdownReceive |= receive;
        return Endpoint.IsConnected ? SocketError.Success : SocketError.NotConnected;
    }

    protected override void CloseInKernel() => Endpoint.Close(SocketError.OperationAborted);

    /// <summary>Joins or leaves <paramref name="group"/> on <paramref name="adapter"/>.</summary>
    public SocketError Membership(bool join, IPAddress group, NetworkAdapter adapter)
    {
        lock (Simulation.Gate)
        {
            return join ? Endpoint.Join(group, adapter) : Endpoint.Leave(group, adapter);
        }
    }

    protected override int AvailableInKernel => Endpoint.Available;

    protected override SocketError TakePendingErrorInKernel() => Endpoint.TakePendingError();

    protected override bool IsBoundInKernel => Endpoint.IsBound;

    protected override string DescribeInKernel() => Endpoint.Describe();
}
