using SimNet.Windows.Foundation;

namespace SimNet.Windows.Networking.Sockets;

/// <summary>
/// Advanced settings of a <see cref="DatagramSocket"/> (Windows.Networking.Sockets.DatagramSocketControl).
/// <see cref="InboundBufferSizeInBytes"/>, <see cref="DontFragment"/>, <see cref="QualityOfService"/> and
/// <see cref="MulticastOnly"/> can be set only before the socket binds or connects (otherwise
/// <see cref="InvalidOperationException"/>, 0x8000000E); <see cref="OutboundUnicastHopLimit"/> at any time.
/// </summary>
public sealed class DatagramSocketControl
{
    private readonly DatagramSocket socket;
    private SocketQualityOfService quality;
    private bool multicastOnly;

    internal DatagramSocketControl(DatagramSocket socket) => this.socket = socket;

    /// <summary>The size of the receive buffer: datagrams not yet handed to <see cref="DatagramSocket.MessageReceived"/> beyond it are dropped (ReceiveBufferFull).</summary>
    public uint InboundBufferSizeInBytes
    {
        get => (uint)socket.WithEndpoint(e => e.ReceiveBufferSize);
        set
        {
            RequireUnbound(nameof(InboundBufferSizeInBytes));
            socket.WithEndpoint(e => e.ReceiveBufferSize = (int)Math.Min(value, int.MaxValue));
        }
    }

    /// <summary>Sets the IP don't-fragment flag: a datagram larger than the outgoing adapter's MTU fails with MessageTooLong.</summary>
    public bool DontFragment
    {
        get => socket.WithEndpoint(e => e.DontFragment);
        set
        {
            RequireUnbound(nameof(DontFragment));
            socket.WithEndpoint(e => e.DontFragment = value);
        }
    }

    /// <summary>The TTL (hop limit) of unicast datagrams; 128 by default, as on Windows.</summary>
    public byte OutboundUnicastHopLimit
    {
        get => (byte)socket.WithEndpoint(e => e.TimeToLive);
        set => socket.WithEndpoint(e => e.TimeToLive = value);
    }

    /// <summary>The quality of service; recorded, with no effect on SimNet links.</summary>
    public SocketQualityOfService QualityOfService
    {
        get => quality;
        set
        {
            RequireUnbound(nameof(QualityOfService));
            quality = value;
        }
    }

    /// <summary>
    /// Lets several multicast-only sockets share one port; a socket so marked cannot send unicast
    /// (fails with WSAEINVAL) and does not raise <see cref="DatagramSocket.MessageReceived"/> for unicast datagrams.
    /// </summary>
    public bool MulticastOnly
    {
        get => multicastOnly;
        set
        {
            RequireUnbound(nameof(MulticastOnly));
            multicastOnly = value;
            socket.WithEndpoint(e => e.ReuseAddress = value);
        }
    }

    private void RequireUnbound(string what)
    {
        if (socket.HasStarted)
        {
            throw HResults.IllegalCall($"{what} can be set only before the DatagramSocket binds or connects.");
        }
    }
}
