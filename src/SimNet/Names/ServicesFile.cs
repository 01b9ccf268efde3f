using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace SimNet.Names;

/// <summary>One line of a services file: a service name, its port and protocol, and its aliases.</summary>
/// <param name="Name">The official service name.</param>
/// <param name="Port">The port, 0 to 65535.</param>
/// <param name="Protocol">The protocol as written (<c>tcp</c>, <c>udp</c>, <c>sctp</c>, ...), lower case.</param>
/// <param name="Aliases">Other names for the same service, in file order.</param>
public sealed record ServiceEntry(string Name, int Port, string Protocol, IReadOnlyList<string> Aliases);

/// <summary>A line a services file parser skipped (lenient) or refused (strict).</summary>
/// <param name="LineNumber">1-based line number.</param>
/// <param name="Line">The line as read.</param>
/// <param name="Reason">Why it is malformed.</param>
public sealed record ServicesFileError(int LineNumber, string Line, string Reason);

/// <summary>
/// A services file in the format <c>/etc/services</c> and Windows' <c>drivers\etc\services</c> share:
/// <c>name port/protocol [aliases ...] [# comment]</c>, fields separated by blanks or tabs.
/// </summary>
/// <remarks>
/// Names compare case-insensitively (Windows does; glibc compares exactly, and the IANA names are all
/// lower case). When a name or port appears twice for a protocol, the first line wins, as with
/// glibc's sequential scan. The lenient parser skips malformed lines as the operating systems do and
/// lists them in <see cref="Errors"/>; the strict parser throws one <see cref="FormatException"/> naming
/// every malformed line with its number.
/// </remarks>
public sealed class ServicesFile
{
    private const string DefaultResourceName = "SimNet.Names.services";
    private readonly List<ServiceEntry> entries;
    private readonly Dictionary<(string Name, string Protocol), ServiceEntry> byName = new();
    private readonly Dictionary<(int Port, string Protocol), ServiceEntry> byPort = new();

    private ServicesFile(List<ServiceEntry> entries, List<ServicesFileError> errors)
    {
        this.entries = entries;
        Errors = errors;
        foreach (ServiceEntry e in entries)
        {
            byName.TryAdd((e.Name.ToLowerInvariant(), e.Protocol), e);
            foreach (string alias in e.Aliases)
            {
                byName.TryAdd((alias.ToLowerInvariant(), e.Protocol), e);
            }

            byPort.TryAdd((e.Port, e.Protocol), e);
        }
    }

    /// <summary>An empty file: every service name falls through to DNS SRV.</summary>
    public static ServicesFile Empty { get; } = new(new List<ServiceEntry>(), new List<ServicesFileError>());

    /// <summary>The default file shipped with SimNet: common IANA assignments (an embedded resource).</summary>
    public static ServicesFile Default { get; } = LoadDefault();

    /// <summary>The well-formed lines, in file order.</summary>
    public IReadOnlyList<ServiceEntry> Entries => entries;

    /// <summary>The lines the lenient parser skipped, in file order (empty after a strict parse).</summary>
    public IReadOnlyList<ServicesFileError> Errors { get; }

    /// <summary>Parses the text of a services file.</summary>
    /// <param name="text">The whole file.</param>
    /// <param name="strict">When true, any malformed line makes the parse fail.</param>
    /// <exception cref="FormatException">Strict mode, and at least one line is malformed; the message lists each with its line number.</exception>
    public static ServicesFile Parse(string text, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Parse(new StringReader(text), strict);
    }

    /// <summary>Reads a services file from <paramref name="stream"/> (UTF-8; invalid bytes become U+FFFD and make their line malformed).</summary>
    /// <exception cref="FormatException">Strict mode, and at least one line is malformed.</exception>
    public static ServicesFile Load(Stream stream, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, new UTF8Encoding(false, false), detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return Parse(reader, strict);
    }

    /// <summary>The port of <paramref name="name"/> (or an alias) for <paramref name="protocol"/>.</summary>
    public bool TryGetPort(string name, ProtocolType protocol, out int port) => TryGetPort(name, ProtocolName(protocol), out port);

    /// <summary>The port of <paramref name="name"/> (or an alias) for a protocol written as in the file (<c>tcp</c>, <c>udp</c>).</summary>
    public bool TryGetPort(string name, string protocol, out int port)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(protocol);
        if (byName.TryGetValue((name.ToLowerInvariant(), protocol.ToLowerInvariant()), out ServiceEntry? e))
        {
            port = e.Port;
            return true;
        }

        port = 0;
        return false;
    }

    /// <summary>The first entry for <paramref name="port"/> and <paramref name="protocol"/>, or null.</summary>
    public ServiceEntry? FindByPort(int port, ProtocolType protocol) =>
        byPort.TryGetValue((port, ProtocolName(protocol)), out ServiceEntry? e) ? e : null;

    /// <summary>The entry for <paramref name="name"/> (or an alias) and <paramref name="protocol"/>, or null.</summary>
    public ServiceEntry? FindByName(string name, ProtocolType protocol)
    {
        ArgumentNullException.ThrowIfNull(name);
        return byName.TryGetValue((name.ToLowerInvariant(), ProtocolName(protocol)), out ServiceEntry? e) ? e : null;
    }

    /// <summary>Writes the entries back in the services format, one line each.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (ServiceEntry e in entries)
        {
            sb.Append(e.Name).Append('\t').Append(e.Port.ToString(CultureInfo.InvariantCulture)).Append('/').Append(e.Protocol);
            foreach (string alias in e.Aliases)
            {
                sb.Append(' ').Append(alias);
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    internal static string ProtocolName(ProtocolType protocol) => protocol switch
    {
        ProtocolType.Udp => "udp",
        ProtocolType.Tcp => "tcp",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol), protocol, "Services are looked up for Udp or Tcp."),
    };

    private static ServicesFile LoadDefault()
    {
        using Stream stream = typeof(ServicesFile).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {DefaultResourceName} is missing.");
        return Load(stream, strict: true);
    }

    private static ServicesFile Parse(TextReader reader, bool strict)
    {
        var entries = new List<ServiceEntry>();
        var errors = new List<ServicesFileError>();
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (ParseLine(line, out ServiceEntry? entry) is { } reason)
            {
                errors.Add(new ServicesFileError(number, line, reason));
            }
            else if (entry is not null)
            {
                entries.Add(entry);
            }
        }

        if (strict && errors.Count > 0)
        {
            var message = new StringBuilder("Malformed services file:");
            foreach (ServicesFileError e in errors)
            {
                message.Append(CultureInfo.InvariantCulture, $"\n  line {e.LineNumber}: {e.Reason}");
            }

            throw new FormatException(message.ToString());
        }

        return new ServicesFile(entries, strict ? new List<ServicesFileError>() : errors);
    }

    /// <summary>Parses one line; returns the reason it is malformed, or null (with no entry for blank and comment lines).</summary>
    private static string? ParseLine(string line, out ServiceEntry? entry)
    {
        entry = null;
        int hash = line.IndexOf('#', StringComparison.Ordinal);
        string content = hash >= 0 ? line[..hash] : line;
        string[] fields = content.Split(new[] { ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 0)
        {
            return null;
        }

        if (fields.Length == 1)
        {
            return "expected 'name port/protocol'";
        }

        foreach (string field in fields)
        {
            if (!IsValidToken(field))
            {
                return $"invalid characters in '{field}'";
            }
        }

        string[] portProto = fields[1].Split('/');
        if (portProto.Length != 2 || portProto[1].Length == 0)
        {
            return $"expected port/protocol, found '{fields[1]}'";
        }

        if (portProto[0].Length is 0 or > 5
            || !int.TryParse(portProto[0], NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            || port > 65535)
        {
            return $"port '{portProto[0]}' is not a number from 0 to 65535";
        }

        entry = new ServiceEntry(fields[0], port, portProto[1].ToLowerInvariant(), fields[2..]);
        return null;
    }

    private static bool IsValidToken(string field)
    {
        foreach (char c in field)
        {
            if (c <= ' ' || c > '~')
            {
                return false;
            }
        }

        return true;
    }
}
