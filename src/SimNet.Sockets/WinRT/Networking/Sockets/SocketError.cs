using Win32 = System.Net.Sockets.SocketError;

namespace SimNet.Windows.Networking.Sockets;

/// <summary>Turns the HRESULT of a failed socket operation into a <see cref="SocketErrorStatus"/> (Windows.Networking.Sockets.SocketError).</summary>
/// <remarks>
/// A socket failure in SimNet's WinRT shape is an exception whose <see cref="Exception.HResult"/> is
/// <c>0x80070000 | winsockError</c> (HRESULT_FROM_WIN32), as on Windows; the table is in docs/winrt.md.
/// </remarks>
public static class SocketError
{
    /// <summary>The status for <paramref name="hresult"/>; <see cref="SocketErrorStatus.Unknown"/> when it is not a socket error.</summary>
    public static SocketErrorStatus GetStatus(int hresult)
    {
        uint h = unchecked((uint)hresult);
        switch (h)
        {
            case 0x800B0101: return SocketErrorStatus.CertificateExpired;       // CERT_E_EXPIRED
            case 0x800B0109: return SocketErrorStatus.CertificateUntrustedRoot; // CERT_E_UNTRUSTEDROOT
            case 0x800B0110: return SocketErrorStatus.CertificateWrongUsage;    // CERT_E_WRONG_USAGE
            case 0x80092010: return SocketErrorStatus.CertificateRevoked;       // CRYPT_E_REVOKED
            case 0x80092012: return SocketErrorStatus.CertificateNoRevocationCheck;       // CRYPT_E_NO_REVOCATION_CHECK
            case 0x80092013: return SocketErrorStatus.CertificateRevocationServerOffline; // CRYPT_E_REVOCATION_OFFLINE
            case 0x800B010F: return SocketErrorStatus.CertificateCommonNameIsIncorrect;   // CERT_E_CN_NO_MATCH
            case 0x800B0004: return SocketErrorStatus.CertificateIsInvalid;     // TRUST_E_SUBJECT_NOT_TRUSTED
        }

        if ((h & 0xFFFF0000) != 0x80070000)
        {
            return SocketErrorStatus.Unknown;
        }

        return (int)(h & 0xFFFF) switch
        {
            995 => SocketErrorStatus.OperationAborted,                     // ERROR_OPERATION_ABORTED
            12152 => SocketErrorStatus.HttpInvalidServerResponse,          // ERROR_WINHTTP_INVALID_SERVER_RESPONSE
            (int)Win32.TimedOut => SocketErrorStatus.ConnectionTimedOut,
            (int)Win32.AddressFamilyNotSupported => SocketErrorStatus.AddressFamilyNotSupported,
            (int)Win32.SocketNotSupported => SocketErrorStatus.SocketTypeNotSupported,
            (int)Win32.HostNotFound => SocketErrorStatus.HostNotFound,
            (int)Win32.NoData => SocketErrorStatus.NoDataRecordOfRequestedType,
            (int)Win32.TryAgain => SocketErrorStatus.NonAuthoritativeHostNotFound,
            10109 => SocketErrorStatus.ClassTypeNotFound,                  // WSATYPE_NOT_FOUND
            (int)Win32.AddressAlreadyInUse => SocketErrorStatus.AddressAlreadyInUse,
            (int)Win32.AddressNotAvailable => SocketErrorStatus.CannotAssignRequestedAddress,
            (int)Win32.ConnectionRefused => SocketErrorStatus.ConnectionRefused,
            (int)Win32.NetworkUnreachable => SocketErrorStatus.NetworkIsUnreachable,
            (int)Win32.HostUnreachable => SocketErrorStatus.UnreachableHost,
            (int)Win32.NetworkDown => SocketErrorStatus.NetworkIsDown,
            (int)Win32.NetworkReset => SocketErrorStatus.NetworkDroppedConnectionOnReset,
            (int)Win32.ConnectionAborted => SocketErrorStatus.SoftwareCausedConnectionAbort,
            (int)Win32.ConnectionReset => SocketErrorStatus.ConnectionResetByPeer,
            (int)Win32.HostDown => SocketErrorStatus.HostIsDown,
            9501 => SocketErrorStatus.NoAddressesFound,                    // DNS_INFO_NO_RECORDS
            (int)Win32.TooManyOpenSockets => SocketErrorStatus.TooManyOpenFiles,
            (int)Win32.MessageSize => SocketErrorStatus.MessageTooLong,
            _ => SocketErrorStatus.Unknown,
        };
    }
}
