using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Properties.Udp;

/// <summary>Small helpers the UDP properties share.</summary>
internal static class UdpTestKit
{
    public static Socket Bound(Host host, IPAddress address, int port)
    {
        var s = new Socket(host, address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(address, port));
        return s;
    }

    public static Socket Bound(Host host, int port) => Bound(host, IPAddress.Any, port);

    /// <summary>Every datagram queued on <paramref name="socket"/>, as (sender, payload) in arrival order.</summary>
    public static List<(IPEndPoint From, byte[] Payload)> Drain(Socket socket)
    {
        var result = new List<(IPEndPoint, byte[])>();
        var buffer = new byte[70000];
        socket.Blocking = false;
        while (socket.Available > 0 || HasZeroLength(socket))
        {
            EndPoint from = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
            int n = socket.ReceiveFrom(buffer, ref from);
            result.Add(((IPEndPoint)from, buffer.AsSpan(0, n).ToArray()));
        }

        return result;
    }

    private static bool HasZeroLength(Socket socket) => socket.Poll(0, SelectMode.SelectRead) && socket.IsBound && !Disposed(socket);

    private static bool Disposed(Socket socket)
    {
        try
        {
            _ = socket.Available;
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    public static SocketError ErrorOf(Action action)
    {
        try
        {
            action();
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }
}
