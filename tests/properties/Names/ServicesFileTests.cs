using System.Globalization;
using System.Net.Sockets;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Kernel;
using SimNet.Names;
using SimNet.Testing;
using Xunit;

namespace SimNet.Properties.Names;

public class ServicesFileTests
{
    /// <summary>IANA Service Name and Transport Protocol Port Number Registry, for the names SimNet ships.</summary>
    private static readonly (string Name, int Port, string Proto)[] Iana =
    {
        ("echo", 7, "tcp"), ("echo", 7, "udp"), ("discard", 9, "tcp"), ("discard", 9, "udp"), ("daytime", 13, "tcp"),
        ("daytime", 13, "udp"), ("qotd", 17, "tcp"), ("chargen", 19, "tcp"), ("chargen", 19, "udp"), ("ftp-data", 20, "tcp"),
        ("ftp", 21, "tcp"), ("ssh", 22, "tcp"), ("ssh", 22, "udp"), ("telnet", 23, "tcp"), ("smtp", 25, "tcp"),
        ("time", 37, "tcp"), ("time", 37, "udp"), ("whois", 43, "tcp"), ("tacacs", 49, "tcp"), ("tacacs", 49, "udp"),
        ("domain", 53, "tcp"), ("domain", 53, "udp"), ("bootps", 67, "udp"), ("bootpc", 68, "udp"), ("tftp", 69, "udp"),
        ("gopher", 70, "tcp"), ("finger", 79, "tcp"), ("http", 80, "tcp"), ("http", 80, "udp"), ("kerberos", 88, "tcp"),
        ("kerberos", 88, "udp"), ("pop3", 110, "tcp"), ("sunrpc", 111, "tcp"), ("sunrpc", 111, "udp"), ("auth", 113, "tcp"),
        ("nntp", 119, "tcp"), ("ntp", 123, "tcp"), ("ntp", 123, "udp"), ("netbios-ns", 137, "tcp"), ("netbios-ns", 137, "udp"),
        ("netbios-dgm", 138, "udp"), ("netbios-ssn", 139, "tcp"), ("imap", 143, "tcp"), ("snmp", 161, "tcp"), ("snmp", 161, "udp"),
        ("snmptrap", 162, "tcp"), ("snmptrap", 162, "udp"), ("bgp", 179, "tcp"), ("irc", 194, "tcp"), ("ldap", 389, "tcp"),
        ("ldap", 389, "udp"), ("https", 443, "tcp"), ("https", 443, "udp"), ("microsoft-ds", 445, "tcp"), ("isakmp", 500, "udp"),
        ("syslog", 514, "udp"), ("printer", 515, "tcp"), ("submission", 587, "tcp"), ("ldaps", 636, "tcp"), ("kerberos-adm", 749, "tcp"),
        ("domain-s", 853, "tcp"), ("rsync", 873, "tcp"), ("ftps", 990, "tcp"), ("imaps", 993, "tcp"), ("pop3s", 995, "tcp"),
        ("openvpn", 1194, "tcp"), ("openvpn", 1194, "udp"), ("ms-sql-s", 1433, "tcp"), ("radius", 1812, "udp"), ("radius-acct", 1813, "udp"),
        ("nfs", 2049, "tcp"), ("nfs", 2049, "udp"), ("mysql", 3306, "tcp"), ("ms-wbt-server", 3389, "tcp"), ("sip", 5060, "tcp"),
        ("sip", 5060, "udp"), ("xmpp-client", 5222, "tcp"), ("mdns", 5353, "udp"), ("postgresql", 5432, "tcp"), ("amqp", 5672, "tcp"),
        ("x11", 6000, "tcp"), ("http-alt", 8080, "tcp"),
    };

    private static readonly Gen<string> Token =
        from first in Gen.Elements("abcdefghijklmnopqrstuvwxyz".ToCharArray())
        from rest in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyz0123456789-_.+".ToCharArray())).Select(a => a.Take(12).ToArray())
        select first + new string(rest);

    private static readonly Gen<ServiceEntry> Entry =
        from name in Token
        from port in Gen.Choose(0, 65535)
        from proto in Gen.Elements("tcp", "udp", "sctp", "ddp")
        from aliasCount in Gen.Choose(0, 3)
        from aliases in Gen.ArrayOf(Token, aliasCount)
        select new ServiceEntry(name, port, proto, aliases);

    private static readonly Gen<string> Blank = Gen.Elements(" ", "\t", "  ", " \t ", "\t\t");

    /// <summary>Writes entries with random blanks, comments and empty lines between them.</summary>
    private static readonly Gen<(ServiceEntry[] Entries, string Text)> File =
        from entries in Gen.ListOf(Entry).Select(l => l.ToArray())
        from layout in Gen.ArrayOf(Gen.Choose(0, 1000), entries.Length * 6 + 2)
        select (entries, Render(entries, layout));

    private static string Render(ServiceEntry[] entries, int[] layout)
    {
        string[] blanks = { " ", "\t", "  ", " \t ", "\t\t" };
        var sb = new StringBuilder();
        int k = 0;
        int Next() => layout[k++];
        sb.Append(Next() % 2 == 0 ? "# services\n" : string.Empty);
        foreach (ServiceEntry e in entries)
        {
            if (Next() % 4 == 0)
            {
                sb.Append(Next() % 2 == 0 ? "\n" : blanks[Next() % 5] + "# a comment line\n");
            }
            else
            {
                k += 2;
            }

            sb.Append(Next() % 3 == 0 ? blanks[Next() % 5] : string.Empty);
            sb.Append(e.Name).Append(blanks[Next() % 5]).Append(e.Port.ToString(CultureInfo.InvariantCulture)).Append('/').Append(e.Protocol);
            foreach (string a in e.Aliases)
            {
                sb.Append(blanks[a.Length % 5]).Append(a);
            }

            sb.Append(layout[0] % 2 == 0 ? "\t# trailing comment #x\n" : "\n");
        }

        return sb.ToString();
    }

    [SimNetProperty]
    public Property Services_file_lookups_round_trip_for_any_generated_file()
    {
        return Prop.ForAll(Arb.From(File), file =>
        {
            ServicesFile parsed = ServicesFile.Parse(file.Text, strict: true);
            Assert.Equal(file.Entries, parsed.Entries, EntryComparer.Instance);
            foreach (ServiceEntry e in file.Entries)
            {
                // First line wins for a name or a port, as glibc's sequential scan.
                foreach (string name in e.Aliases.Prepend(e.Name))
                {
                    ServiceEntry first = file.Entries.First(x => x.Protocol == e.Protocol && (x.Name.Equals(name, StringComparison.OrdinalIgnoreCase) || x.Aliases.Any(a => a.Equals(name, StringComparison.OrdinalIgnoreCase))));
                    Assert.True(parsed.TryGetPort(name.ToUpperInvariant(), e.Protocol, out int port));
                    Assert.Equal(first.Port, port);
                }

                if (e.Protocol is "tcp" or "udp")
                {
                    var proto = e.Protocol == "tcp" ? ProtocolType.Tcp : ProtocolType.Udp;
                    Assert.Same(parsed.Entries.First(x => x.Port == e.Port && x.Protocol == e.Protocol), parsed.FindByPort(e.Port, proto));
                }
            }

            ServicesFile again = ServicesFile.Parse(parsed.ToString(), strict: true);
            Assert.Equal(parsed.Entries, again.Entries, EntryComparer.Instance);
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(file.Text));
            Assert.Equal(parsed.Entries, ServicesFile.Load(stream).Entries, EntryComparer.Instance);
        });
    }

    [SimNetProperty]
    public Property Lenient_parse_skips_each_malformed_line_and_strict_parse_reports_it_with_its_line_number()
    {
        Gen<string> bad = Gen.Elements("justaname", "svc 99999/tcp", "svc abc/udp", "svc 80", "svc 80/", "svc /tcp", "svc -1/tcp", "svc 8\u00e90/tcp", "svc 80/tcp/x");
        Gen<(ServiceEntry[] Entries, string Text, int[] BadLines)> mixed =
            from file in File
            from badCount in Gen.Choose(1, 5)
            from bads in Gen.ArrayOf(bad, badCount)
            from positions in Gen.ArrayOf(Gen.Choose(0, 1000), badCount)
            select Insert(file, bads, positions);
        return Prop.ForAll(Arb.From(mixed), m =>
        {
            ServicesFile lenient = ServicesFile.Parse(m.Text);
            Assert.Equal(m.Entries, lenient.Entries, EntryComparer.Instance);
            Assert.Equal(m.BadLines, lenient.Errors.Select(e => e.LineNumber).ToArray());
            var ex = Assert.Throws<FormatException>(() => ServicesFile.Parse(m.Text, strict: true));
            foreach (int line in m.BadLines)
            {
                Assert.Contains($"line {line}:", ex.Message, StringComparison.Ordinal);
            }
        });
    }

    private static (ServiceEntry[], string, int[]) Insert((ServiceEntry[] Entries, string Text) file, string[] bads, int[] positions)
    {
        var lines = file.Text.Split('\n').ToList();
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        for (int i = 0; i < bads.Length; i++)
        {
            lines.Insert(positions[i] % (lines.Count + 1), bads[i] + (i % 2 == 0 ? " # why" : string.Empty));
        }

        int[] badLines = lines.Select((l, i) => (l, i)).Where(p => bads.Any(b => p.l.StartsWith(b, StringComparison.Ordinal) && (p.l.Length == b.Length || p.l[b.Length] == ' '))).Select(p => p.i + 1).ToArray();
        return (file.Entries, string.Join('\n', lines), badLines);
    }

    [Fact]
    public void Default_services_file_agrees_with_IANA_for_every_name_it_lists()
    {
        ServicesFile d = ServicesFile.Default;
        Assert.Empty(d.Errors);
        foreach (ServiceEntry e in d.Entries)
        {
            Assert.Contains((e.Name, e.Port, e.Protocol), Iana);
        }

        foreach ((string name, int port, string proto) in Iana)
        {
            Assert.True(d.TryGetPort(name, proto, out int p), $"{name}/{proto} missing");
            Assert.Equal(port, p);
        }

        Assert.Equal("domain", d.FindByPort(53, ProtocolType.Udp)!.Name);
        Assert.True(d.TryGetPort("www", ProtocolType.Tcp, out int www));
        Assert.Equal(80, www);
    }

    [SimNetProperty]
    public Property Services_parser_on_random_bytes_only_skips_lines_or_reports_a_format_error()
    {
        Gen<byte[]> bytes = Gen.Choose(0, 400).SelectMany(n => Gen.ArrayOf(Gen.Elements<byte>((byte)'\n', (byte)'\t', (byte)' ', (byte)'#', (byte)'/', (byte)'8', (byte)'a', 0xFF, 0xC3, 0, (byte)'\r'), n));
        return Prop.ForAll(Arb.From(bytes), data =>
        {
            ServicesFile lenient = ServicesFile.Load(new MemoryStream(data));
            Assert.All(lenient.Entries, e => Assert.InRange(e.Port, 0, 65535));
            try
            {
                ServicesFile.Load(new MemoryStream(data), strict: true);
                Assert.Empty(lenient.Errors);
            }
            catch (FormatException)
            {
                Assert.NotEmpty(lenient.Errors);
            }
        });
    }

    private sealed class EntryComparer : IEqualityComparer<ServiceEntry>
    {
        public static readonly EntryComparer Instance = new();

        public bool Equals(ServiceEntry? x, ServiceEntry? y) =>
            x!.Name == y!.Name && x.Port == y.Port && x.Protocol == y.Protocol && x.Aliases.SequenceEqual(y.Aliases);

        public int GetHashCode(ServiceEntry obj) => obj.Port;
    }
}
