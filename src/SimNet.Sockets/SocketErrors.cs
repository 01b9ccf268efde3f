using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace SimNet.Sockets;

/// <summary>Builds the exceptions the real stack throws, with a message that says what was wrong.</summary>
internal static class SocketErrors
{
    public static SocketException Exception(SocketError error, string detail) =>
        new((int)error, $"{Describe(error)}: {detail}");

    public static void ThrowIfFailed(SocketError error, string detail)
    {
        if (error != SocketError.Success)
        {
            throw Exception(error, detail);
        }
    }

    /// <summary>Throws for a failure; an interpolated detail is formatted only then, so a call that worked allocates nothing.</summary>
    public static void ThrowIfFailed(SocketError error, [InterpolatedStringHandlerArgument(nameof(error))] ref FailureDetail detail)
    {
        if (error != SocketError.Success)
        {
            throw Exception(error, detail.ToStringAndClear());
        }
    }

    /// <summary>The strerror text Linux gives for each error, so messages read like the real ones.</summary>
    public static string Describe(SocketError error) => error switch
    {
        SocketError.AccessDenied => "Permission denied",
        SocketError.AddressAlreadyInUse => "Address already in use",
        SocketError.AddressNotAvailable => "Cannot assign requested address",
        SocketError.AddressFamilyNotSupported => "Address family not supported by protocol",
        SocketError.ConnectionRefused => "Connection refused",
        SocketError.ConnectionReset => "Connection reset by peer",
        SocketError.DestinationAddressRequired => "Destination address required",
        SocketError.HostNotFound => "Name or service not known",
        SocketError.HostUnreachable => "No route to host",
        SocketError.Interrupted => "Interrupted system call",
        SocketError.InvalidArgument => "Invalid argument",
        SocketError.IsConnected => "Transport endpoint is already connected",
        SocketError.MessageSize => "Message too long",
        SocketError.NetworkUnreachable => "Network is unreachable",
        SocketError.NoData => "No address associated with hostname",
        SocketError.NotConnected => "Transport endpoint is not connected",
        SocketError.OperationAborted => "Operation canceled",
        SocketError.OperationNotSupported => "Operation not supported",
        SocketError.ProtocolOption => "Protocol not available",
        SocketError.Shutdown => "Broken pipe",
        SocketError.TimedOut => "Connection timed out",
        SocketError.TryAgain => "Temporary failure in name resolution",
        SocketError.WouldBlock => "Resource temporarily unavailable",
        _ => error.ToString(),
    };

    public static string Format(IPAddress address, int port) => new IPEndPoint(address, port).ToString();
}

/// <summary>An interpolated message formatted only when its <see cref="SocketError"/> is a failure.</summary>
[InterpolatedStringHandler]
internal ref struct FailureDetail
{
    private DefaultInterpolatedStringHandler inner;

    public FailureDetail(int literalLength, int formattedCount, SocketError error, out bool shouldAppend)
    {
        shouldAppend = error != SocketError.Success;
        inner = shouldAppend ? new DefaultInterpolatedStringHandler(literalLength, formattedCount) : default;
    }

    public void AppendLiteral(string value) => inner.AppendLiteral(value);

    public void AppendFormatted<T>(T value) => inner.AppendFormatted(value);

    public void AppendFormatted<T>(T value, string? format) => inner.AppendFormatted(value, format);

    public string ToStringAndClear() => inner.ToStringAndClear();
}
