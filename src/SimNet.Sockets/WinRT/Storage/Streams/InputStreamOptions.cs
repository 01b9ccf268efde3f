namespace SimNet.Windows.Storage.Streams;

/// <summary>How a read on an input stream behaves (Windows.Storage.Streams.InputStreamOptions).</summary>
[Flags]
public enum InputStreamOptions
{
    /// <summary>Wait until the requested count is available or the stream ends.</summary>
    None = 0,

    /// <summary>Complete as soon as some data is available.</summary>
    Partial = 1,

    /// <summary>May read more than requested, to serve later reads.</summary>
    ReadAhead = 2,
}
