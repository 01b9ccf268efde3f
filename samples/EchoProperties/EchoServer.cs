using System.Net;
using System.Net.Sockets;

namespace EchoProperties;

/// <summary>The "app" under test: a UDP echo server written against the socket API, nothing SimNet-specific.</summary>
public static class EchoServer
{
    public static async Task RunAsync(int port, CancellationToken stop)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Any, port));
        var buffer = new byte[2048];
        while (!stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop);
            await socket.SendToAsync(buffer.AsMemory(0, r.ReceivedBytes), SocketFlags.None, r.RemoteEndPoint, stop);
        }
    }
}
