using System.Net;
using System.Net.Sockets;

namespace SimNet.Sockets;

/// <summary>
/// .NET's own view of a UDP socket, which System.Net.Sockets keeps above the kernel's and which users
/// see (measured on Linux with .NET 10 by the differential suite): whether the object thinks it is
/// connected or was disconnected, a non-blocking connect it has not yet confirmed, and the remote
/// endpoint it caches on first read.
/// </summary>
public partial class Socket
{
    private bool netConnected;
    private bool netDisconnected;
    private bool netConnectPending;
    private bool netHidesBinding;
    private IPEndPoint? netRemote;

    /// <summary>Whether .NET knows the socket is bound (its _rightEndPoint): ReceiveFrom needs it, else InvalidOperationException.</summary>
    private bool NetKnowsBinding => udp!.IsBound && !netHidesBinding;

    /// <summary>
    /// Before a UDP Connect: .NET refuses to reconnect an object it marked disconnected, and remembers a
    /// non-blocking attempt. ConnectAsync does neither (measured: after one that failed, LocalEndPoint of
    /// a socket that was unbound stays null and RemoteEndPoint is null, as after a blocking Connect).
    /// </summary>
    private void NetBeforeConnect(bool async)
    {
        if (async)
        {
            netConnectPending = false;
            return;
        }

        if (netDisconnected)
        {
            throw new InvalidOperationException("Once the socket has been disconnected, you can only reconnect again asynchronously, and only to a different EndPoint.");
        }

        netConnectPending = !blocking;
    }

    /// <summary>After a UDP Connect: success marks the object connected; a failure of a blocking connect on an unbound socket leaves .NET not knowing the kernel bound it (LocalEndPoint stays null).</summary>
    private void NetAfterConnect(SocketError error, bool wasBound)
    {
        if (error == SocketError.Success)
        {
            netConnectPending = false;
            netConnected = true;
            netDisconnected = false;
            netHidesBinding = false;
            return;
        }

        NetAfterError(error);
        netHidesBinding = !wasBound && !netConnectPending;
    }

    /// <summary>.NET's UpdateStatusAfterSocketError: an error other than WouldBlock, IOPending, NoBufferSpaceAvailable or TimedOut disconnects a connected object.</summary>
    private void NetAfterError(SocketError error)
    {
        if (netConnected && error is not (SocketError.Success or SocketError.WouldBlock or SocketError.IOPending or SocketError.NoBufferSpaceAvailable or SocketError.TimedOut))
        {
            netConnected = false;
            netDisconnected = true;
        }
    }

    /// <summary>After a SendTo: Linux bound the socket even if the send then failed, but .NET learns of the binding only from a send that worked.</summary>
    private void NetAfterSend(SocketError error, bool wasBound)
    {
        NetAfterError(error);
        if (error == SocketError.Success)
        {
            netHidesBinding = false;
        }
        else if (!wasBound)
        {
            netHidesBinding = true;
        }
    }

    /// <summary>Reading an endpoint confirms a pending non-blocking connect: a UDP socket is always writable, so .NET takes it as connected.</summary>
    private void NetConfirmPending()
    {
        if (netConnectPending)
        {
            netConnectPending = false;
            netConnected = true;
            netHidesBinding = false;
        }
    }

    /// <summary>The UDP LocalEndPoint as .NET reports it.</summary>
    private IPEndPoint? NetLocalEndPoint()
    {
        NetConfirmPending();
        return udp!.IsBound && !netHidesBinding ? new IPEndPoint(udp.LocalAddress!, udp.LocalPort) : null;
    }

    /// <summary>
    /// The UDP RemoteEndPoint as .NET reports it: the endpoint cached at the first read (a second Connect
    /// does not change it); null when the object does not think it is connected; NotConnected (which
    /// disconnects the object) when it thinks so but the kernel has no peer.
    /// </summary>
    private IPEndPoint? NetRemoteEndPoint()
    {
        if (netRemote is not null)
        {
            return netRemote;
        }

        NetConfirmPending();
        bool thinksConnected = netConnected || (udp!.IsConnected && !netDisconnected);
        if (!thinksConnected)
        {
            return null;
        }

        if (!udp!.IsConnected)
        {
            NetAfterError(SocketError.NotConnected);
            throw SocketErrors.Exception(SocketError.NotConnected, "The socket is not connected.");
        }

        return netRemote = new IPEndPoint(udp.RemoteAddress!, udp.RemotePort);
    }

    /// <summary>
    /// UDP Shutdown: Linux marks the directions shut even on an unconnected socket and then answers
    /// NotConnected; .NET ignores that error for an object it thinks is or was connected, and marks it disconnected.
    /// </summary>
    private void NetShutdown(SocketShutdown how)
    {
        bool kernelConnected = udp!.IsConnected;
        if (how is SocketShutdown.Send or SocketShutdown.Both)
        {
            udp.ShutdownSend = true;
        }

        if (how is SocketShutdown.Receive or SocketShutdown.Both)
        {
            udp.ShutdownReceive = true;
        }

        if (!kernelConnected && !(netConnected || netDisconnected || udp.IsConnected))
        {
            throw SocketErrors.Exception(SocketError.NotConnected, "Shutdown needs a connected socket (the directions are marked shut all the same, as on Linux).");
        }

        if (netConnected || (udp.IsConnected && !netDisconnected))
        {
            netConnected = false;
            netDisconnected = true;
        }
    }
}
