namespace SimNet.Windows.Storage.Streams;

/// <summary>The encoding of strings read or written (Windows.Storage.Streams.UnicodeEncoding).</summary>
public enum UnicodeEncoding
{
    /// <summary>UTF-8, the default.</summary>
    Utf8 = 0,

    /// <summary>UTF-16, little-endian.</summary>
    Utf16LE = 1,

    /// <summary>UTF-16, big-endian.</summary>
    Utf16BE = 2,
}
