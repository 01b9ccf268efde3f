namespace SimNet.Names;

/// <summary>
/// Domain names as SimNet keeps them: fully qualified, with a trailing dot, ASCII letters folded to
/// lower case. Labels are 1 to 63 bytes of any byte but '.', the name at most 255 bytes on the wire.
/// </summary>
internal static class DnsName
{
    public const int MaxLabel = 63;
    public const int MaxWire = 255;
    public const string Root = ".";

    /// <summary>Makes <paramref name="name"/> canonical, or returns null when it cannot be a domain name.</summary>
    public static string? TryNormalize(string name)
    {
        if (name.Length == 0)
        {
            return null;
        }

        if (name == Root)
        {
            return Root;
        }

        string fq = name.EndsWith('.') ? name : name + ".";
        if (fq.Length + 1 > MaxWire)
        {
            return null; // wire length is the text length plus one (leading length byte, trailing dot → zero byte)
        }

        int labelStart = 0;
        for (int i = 0; i < fq.Length; i++)
        {
            char c = fq[i];
            if (c > 0xFF)
            {
                return null;
            }

            if (c == '.')
            {
                int length = i - labelStart;
                if (length is 0 or > MaxLabel)
                {
                    return null;
                }

                labelStart = i + 1;
            }
        }

        return Fold(fq);
    }

    /// <summary>Like <see cref="TryNormalize"/>, throwing <see cref="ArgumentException"/> for a bad name.</summary>
    public static string Require(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        return TryNormalize(name) ?? throw new ArgumentException($"'{name}' is not a valid domain name (labels of 1 to 63 bytes, at most 255 bytes in all).", paramName);
    }

    /// <summary>ASCII-only lower case, as DNS compares names (RFC 4343).</summary>
    public static string Fold(string name)
    {
        foreach (char c in name)
        {
            if (c is >= 'A' and <= 'Z')
            {
                return string.Create(name.Length, name, static (span, n) =>
                {
                    for (int i = 0; i < n.Length; i++)
                    {
                        char ch = n[i];
                        span[i] = ch is >= 'A' and <= 'Z' ? (char)(ch + 32) : ch;
                    }
                });
            }
        }

        return name;
    }

    /// <summary>Whether <paramref name="name"/> is <paramref name="ancestor"/> or below it (both canonical).</summary>
    public static bool IsAtOrBelow(string name, string ancestor) =>
        ancestor == Root || name == ancestor || (name.EndsWith(ancestor, StringComparison.Ordinal) && name[name.Length - ancestor.Length - 1] == '.');

    /// <summary>Number of dots in a name as typed (for the resolver's ndots rule).</summary>
    public static int Dots(string name)
    {
        int n = 0;
        foreach (char c in name.TrimEnd('.'))
        {
            if (c == '.')
            {
                n++;
            }
        }

        return n;
    }
}
