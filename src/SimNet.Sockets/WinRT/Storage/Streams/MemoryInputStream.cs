namespace SimNet.Windows.Storage.Streams;

/// <summary>An input stream over bytes already in memory: a received datagram.</summary>
internal sealed class MemoryInputStream : IInputStream
{
    private readonly ReadOnlyMemory<byte> data;
    private int position;
    private bool disposed;

    public MemoryInputStream(ReadOnlyMemory<byte> data) => this.data = data;

    public Task<uint> ReadAsync(Memory<byte> buffer, InputStreamOptions options)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        int n = Math.Min(buffer.Length, data.Length - position);
        data.Slice(position, n).CopyTo(buffer);
        position += n;
        return Task.FromResult((uint)n);
    }

    public void Dispose() => disposed = true;
}
