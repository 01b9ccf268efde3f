namespace SimNet.Windows.Networking.Sockets;

/// <summary>The quality of service a socket asks for (Windows.Networking.Sockets.SocketQualityOfService).</summary>
/// <remarks>Recorded only: SimNet links treat every datagram the same.</remarks>
public enum SocketQualityOfService
{
    /// <summary>Normal quality of service.</summary>
    Normal = 0,

    /// <summary>Low latency, for real-time traffic.</summary>
    LowLatency = 1,
}
