using SimNet.Windows.Foundation;
using SimNet.Windows.Storage.Streams;

namespace SimNet.Windows.Networking.Sockets;

/// <summary>A datagram that arrived on a <see cref="DatagramSocket"/> (Windows.Networking.Sockets.DatagramSocketMessageReceivedEventArgs).</summary>
public sealed class DatagramSocketMessageReceivedEventArgs
{
    private readonly byte[] data;
    private readonly System.Net.Sockets.SocketError? error;
    private DataReader? reader;

    internal DatagramSocketMessageReceivedEventArgs(HostName remoteAddress, string remotePort, HostName localAddress, byte[] data, System.Net.Sockets.SocketError? error)
    {
        RemoteAddress = remoteAddress;
        RemotePort = remotePort;
        LocalAddress = localAddress;
        this.data = data;
        this.error = error;
    }

    /// <summary>The sender's address.</summary>
    public HostName RemoteAddress { get; }

    /// <summary>The sender's port.</summary>
    public string RemotePort { get; }

    /// <summary>The local address the datagram came in on: its destination, or for a broadcast or multicast datagram the receiving adapter's address.</summary>
    public HostName LocalAddress { get; }

    /// <summary>A reader loaded with the whole datagram; the same reader on every call.</summary>
    /// <exception cref="System.Runtime.InteropServices.COMException">An ICMP error arrived instead of data (status ConnectionResetByPeer for port unreachable).</exception>
    public DataReader GetDataReader()
    {
        ThrowIfError();
        return reader ??= DataReader.Loaded(data);
    }

    /// <summary>A stream over the datagram's bytes.</summary>
    /// <exception cref="System.Runtime.InteropServices.COMException">An ICMP error arrived instead of data.</exception>
    public IInputStream GetDataStream()
    {
        ThrowIfError();
        return new MemoryInputStream(data);
    }

    private void ThrowIfError()
    {
        if (error is { } kernel)
        {
            throw HResults.Socket(kernel == System.Net.Sockets.SocketError.ConnectionRefused ? System.Net.Sockets.SocketError.ConnectionReset : kernel);
        }
    }
}
