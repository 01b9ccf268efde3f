namespace SimNet.Windows.Networking.Sockets;

/// <summary>What went wrong in a socket operation (Windows.Networking.Sockets.SocketErrorStatus), with the Windows values.</summary>
public enum SocketErrorStatus
{
    /// <summary>Not a socket error: rethrow it.</summary>
    Unknown = 0,

    /// <summary>The operation was aborted.</summary>
    OperationAborted = 1,

    /// <summary>A bad response was received from the HTTP server.</summary>
    HttpInvalidServerResponse = 2,

    /// <summary>A connection timeout was exceeded.</summary>
    ConnectionTimedOut = 3,

    /// <summary>The address family is not supported.</summary>
    AddressFamilyNotSupported = 4,

    /// <summary>The socket type is not supported.</summary>
    SocketTypeNotSupported = 5,

    /// <summary>The host was not found.</summary>
    HostNotFound = 6,

    /// <summary>The requested name is valid and was found, but no data of the requested type was found.</summary>
    NoDataRecordOfRequestedType = 7,

    /// <summary>The host is not authoritative for the name (try again).</summary>
    NonAuthoritativeHostNotFound = 8,

    /// <summary>The specified class was not found.</summary>
    ClassTypeNotFound = 9,

    /// <summary>The address is already in use.</summary>
    AddressAlreadyInUse = 10,

    /// <summary>Cannot assign the requested address.</summary>
    CannotAssignRequestedAddress = 11,

    /// <summary>The connection was refused.</summary>
    ConnectionRefused = 12,

    /// <summary>The network is unreachable.</summary>
    NetworkIsUnreachable = 13,

    /// <summary>The host is unreachable.</summary>
    UnreachableHost = 14,

    /// <summary>The network is down.</summary>
    NetworkIsDown = 15,

    /// <summary>The network dropped the connection on reset.</summary>
    NetworkDroppedConnectionOnReset = 16,

    /// <summary>Software caused a connection abort.</summary>
    SoftwareCausedConnectionAbort = 17,

    /// <summary>The connection was reset by the peer.</summary>
    ConnectionResetByPeer = 18,

    /// <summary>The host is down.</summary>
    HostIsDown = 19,

    /// <summary>No addresses were found.</summary>
    NoAddressesFound = 20,

    /// <summary>Too many open files.</summary>
    TooManyOpenFiles = 21,

    /// <summary>The message is too long.</summary>
    MessageTooLong = 22,

    /// <summary>The certificate has expired.</summary>
    CertificateExpired = 23,

    /// <summary>The certificate chain ends in an untrusted root.</summary>
    CertificateUntrustedRoot = 24,

    /// <summary>The certificate is not valid for the requested usage.</summary>
    CertificateWrongUsage = 25,

    /// <summary>The certificate was revoked.</summary>
    CertificateRevoked = 26,

    /// <summary>Revocation could not be checked.</summary>
    CertificateNoRevocationCheck = 27,

    /// <summary>The revocation server was offline.</summary>
    CertificateRevocationServerOffline = 28,

    /// <summary>The certificate is invalid.</summary>
    CertificateIsInvalid = 29,

    /// <summary>The certificate's common name does not match the host.</summary>
    CertificateCommonNameIsIncorrect = 30,
}
