using System.Text.RegularExpressions;
using Xunit;

namespace SimNet.Properties.Docs;

/// <summary>README's property-test and alias snippets are built files, quoted verbatim, so they compile as shown.</summary>
public class ReadmeSampleTests
{
    internal static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SimNet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SimNet.sln not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<string> CsharpBlocks(string markdown) =>
        Regex.Matches(markdown, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value.TrimEnd());

    [Theory]
    [InlineData("samples/EchoProperties/EchoServerProperties.cs", "public class EchoServerProperties")]
    [InlineData("samples/EchoProperties/SimNetAliases.cs", "global using")]
    public void README_quotes_the_built_sample_file_verbatim(string file, string from)
    {
        string root = Root();
        string text = File.ReadAllText(Path.Combine(root, file)).ReplaceLineEndings("\n");
        string quoted = text[text.IndexOf(from, StringComparison.Ordinal)..].TrimEnd();
        Assert.Contains(CsharpBlocks(File.ReadAllText(Path.Combine(root, "README.md")).ReplaceLineEndings("\n")), block => block.EndsWith(quoted, StringComparison.Ordinal));
    }

    [Fact]
    public void The_alias_file_covers_every_SimNet_socket_type_that_System_Net_Sockets_also_defines()
    {
        string aliases = File.ReadAllText(Path.Combine(Root(), "samples/EchoProperties/SimNetAliases.cs"));
        var collisions = typeof(SimNet.Sockets.Socket).Assembly.GetExportedTypes()
            .Where(t => t.Namespace == "SimNet.Sockets" && !t.IsNested)
            .Where(t => typeof(System.Net.Sockets.Socket).Assembly.GetType("System.Net.Sockets." + t.Name) is not null
                || typeof(System.Net.Dns).Assembly.GetType("System.Net." + t.Name) is not null)
            .Select(t => t.Name)
            .ToList();
        Assert.Contains("Socket", collisions);
        Assert.All(collisions, name => Assert.Contains($"global using {name} = SimNet.Sockets.{name};", aliases));
    }
}
