namespace SimNet.Windows.Storage.Streams;

/// <summary>The byte order of multi-byte values read or written (Windows.Storage.Streams.ByteOrder).</summary>
public enum ByteOrder
{
    /// <summary>Least significant byte first.</summary>
    LittleEndian = 0,

    /// <summary>Most significant byte first (network order); the default of <see cref="DataWriter"/> and <see cref="DataReader"/>.</summary>
    BigEndian = 1,
}
