using System.Net.Sockets;

namespace SimNet.Transport.Sockets;

/// <summary>
/// What every kernel socket has, whatever its protocol (<see cref="UdpEndpoint"/>, <see cref="Tcp.TcpEndpoint"/>): the
/// options the socket APIs' shared option table reads and writes, under the world's lock.
/// </summary>
internal interface IKernelSocket
{
    /// <summary>SO_RCVBUF, as the kernel keeps it (already doubled).</summary>
    int ReceiveBufferSize { get; set; }

    /// <summary>SO_SNDBUF, as the kernel keeps it (already doubled).</summary>
    int SendBufferSize { get; set; }

    /// <summary>An IPv6 socket that also takes IPv4 (IPV6_V6ONLY off).</summary>
    bool DualMode { get; set; }

    /// <summary>Whether the socket has a local address and port.</summary>
    bool IsBound { get; }

    /// <summary>Takes the pending error (SO_ERROR).</summary>
    SocketError TakePendingError();
}
