using System.Runtime.InteropServices;

namespace SimNet.Windows.Foundation;

/// <summary>
/// The HRESULTs the WinRT shapes fail with, and the exceptions that carry them, chosen to match
/// what .NET projects the Windows errors to (see docs/winrt.md, "Errors").
/// </summary>
internal static class HResults
{
    /// <summary>A method was called at an unexpected time (projected as <see cref="InvalidOperationException"/>).</summary>
    public const int IllegalMethodCall = unchecked((int)0x8000000E);

    /// <summary>One or more arguments are not valid (projected as <see cref="ArgumentException"/>).</summary>
    public const int InvalidArgument = unchecked((int)0x80070057);

    /// <summary>The operation attempted to access data outside the valid range.</summary>
    public const int Bounds = unchecked((int)0x8000000B);

    /// <summary>The object has been closed (projected as <see cref="ObjectDisposedException"/>).</summary>
    public const int Closed = unchecked((int)0x80000013);

    /// <summary>HRESULT_FROM_WIN32(ERROR_OPERATION_ABORTED): I/O cancelled by CancelIOAsync or Dispose.</summary>
    public const int OperationAborted = unchecked((int)0x800703E3);

    /// <summary>HRESULT_FROM_WIN32(<paramref name="win32"/>): facility 7, severity error.</summary>
    public static int FromWin32(int win32) => win32 <= 0 ? win32 : unchecked((int)(0x80070000u | ((uint)win32 & 0xFFFF)));

    public static InvalidOperationException IllegalCall(string message) =>
        new(message + " (A method was called at an unexpected time: 0x8000000E)") { HResult = IllegalMethodCall };

    public static ArgumentException BadArgument(string paramName, string message) =>
        new(message + " (E_INVALIDARG: 0x80070057)", paramName) { HResult = InvalidArgument };

    public static ArgumentNullException NullArgument(string paramName) =>
        new(paramName, $"{paramName} must not be null. (E_INVALIDARG: 0x80070057)") { HResult = InvalidArgument };

    public static ObjectDisposedException ObjectClosed(string name) =>
        new(name, "The object has been closed. (RO_E_CLOSED: 0x80000013)") { HResult = Closed };

    public static Exception OutOfBounds() =>
        new COMException("The operation attempted to access data outside the valid range. (E_BOUNDS: 0x8000000B)", Bounds);

    /// <summary>A Winsock error as Windows reports it through WinRT: an exception whose HResult wraps the Win32 code.</summary>
    public static COMException Socket(System.Net.Sockets.SocketError error) =>
        new($"{error} (Win32 error {(int)error}, HRESULT 0x{FromWin32((int)error):X8})", FromWin32((int)error));

    public static COMException Aborted() =>
        new("The I/O operation has been aborted because of either a thread exit or an application request. (0x800703E3)", OperationAborted);
}
