namespace SimNet.Windows.Storage.Streams;

/// <summary>A sequential stream of bytes to write (Windows.Storage.Streams.IOutputStream).</summary>
/// <remarks>WinRT's <c>IBuffer</c> becomes <see cref="ReadOnlyMemory{T}"/> and its async operations become tasks.
/// On a <c>DatagramSocket</c> stream each write is one datagram.</remarks>
public interface IOutputStream : IDisposable
{
    /// <summary>Writes <paramref name="buffer"/>; completes with the number of bytes written.</summary>
    Task<uint> WriteAsync(ReadOnlyMemory<byte> buffer);

    /// <summary>Flushes what was written; completes with true on success.</summary>
    Task<bool> FlushAsync();
}
