using System.Net;
using SimNet.Windows.Foundation;
using SimNet.Windows.Storage.Streams;

namespace SimNet.Windows.Networking.Sockets;

/// <summary>
/// An output stream of a <see cref="DatagramSocket"/>: to its connected peer (<see cref="DatagramSocket.OutputStream"/>)
/// or to a fixed destination (<see cref="DatagramSocket.GetOutputStreamAsync(HostName, string)"/>). Each write is one datagram.
/// </summary>
internal sealed class DatagramOutputStream : IOutputStream
{
    private readonly DatagramSocket socket;
    private readonly IPAddress? destination;
    private readonly int port;
    private bool disposed;

    /// <summary>A stream to the connected peer.</summary>
    public DatagramOutputStream(DatagramSocket socket) => this.socket = socket;

    /// <summary>A stream to <paramref name="destination"/>:<paramref name="port"/>; a limited broadcast goes through every adapter that counts.</summary>
    public DatagramOutputStream(DatagramSocket socket, IPAddress destination, int port)
    {
        this.socket = socket;
        this.destination = destination;
        this.port = port;
    }

    public Task<uint> WriteAsync(ReadOnlyMemory<byte> buffer)
    {
        if (disposed)
        {
            return Task.FromException<uint>(HResults.ObjectClosed(nameof(IOutputStream)));
        }

        try
        {
            if (destination is null)
            {
                socket.SendConnected(buffer.Span);
            }
            else
            {
                socket.SendTo(buffer.Span, destination, port);
            }

            return Task.FromResult((uint)buffer.Length);
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.COMException or InvalidOperationException or ObjectDisposedException)
        {
            return Task.FromException<uint>(e);
        }
    }

    public Task<bool> FlushAsync() => Task.FromResult(true);

    public void Dispose() => disposed = true;
}
