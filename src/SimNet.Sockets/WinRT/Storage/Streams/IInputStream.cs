namespace SimNet.Windows.Storage.Streams;

/// <summary>A sequential stream of bytes to read (Windows.Storage.Streams.IInputStream).</summary>
/// <remarks>WinRT's <c>IBuffer</c> becomes <see cref="Memory{T}"/> and its async operations become tasks.</remarks>
public interface IInputStream : IDisposable
{
    /// <summary>Reads up to <paramref name="buffer"/>'s length; completes with the count read, 0 at the end of the stream.</summary>
    Task<uint> ReadAsync(Memory<byte> buffer, InputStreamOptions options);
}
