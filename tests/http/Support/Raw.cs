using System.Net;
using System.Net.Sockets;
using System.Text;
using SimNet.Topology;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Http.Tests.Support;

/// <summary>A raw simulated TCP client, to see exactly what Kestrel sends and when it closes.</summary>
internal static class Raw
{
    public static async Task<Socket> ConnectAsync(Host from, string address, int port)
    {
        var socket = new Socket(from, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Parse(address), port));
        return socket;
    }

    public static async Task SendAsync(Socket socket, string text) =>
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);

    /// <summary>Reads until the peer closes (returns what came), or until <paramref name="until"/> is in the text.</summary>
    public static async Task<string> ReadAsync(Socket socket, string? until = null)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (until is null || !text.ToString().Contains(until, StringComparison.Ordinal))
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None);
            if (n == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        return text.ToString();
    }
}
