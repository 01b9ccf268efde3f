using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace SimNet.Properties.Docs;

/// <summary>
/// Every C# snippet in README compiles as shown: a snippet is either a built sample file quoted line for line (a
/// project under samples/, in the solution) or a whole program, compiled here with Roslyn against
/// the built SimNet assemblies as a new console project would (`dotnet new console`: implicit usings, nullable on).
/// The programs that do not write files also run, and the WinRT one prints the echo it gets.
/// </summary>
public class ReadmeSnippetCompileTests
{
    /// <summary>The global usings of a new console project (ImplicitUsings for Microsoft.NET.Sdk).</summary>
    private const string ImplicitUsings =
        "global using global::System;\nglobal using global::System.Collections.Generic;\nglobal using global::System.IO;\n" +
        "global using global::System.Linq;\nglobal using global::System.Net.Http;\nglobal using global::System.Threading;\nglobal using global::System.Threading.Tasks;\n";

    private static readonly object ConsoleGate = new();

    private static string Root() => ReadmeSampleTests.Root();

    /// <summary>README's ```csharp blocks with the line each starts at.</summary>
    private static List<(int Line, string Code)> Snippets()
    {
        string readme = File.ReadAllText(Path.Combine(Root(), "README.md")).ReplaceLineEndings("\n");
        var blocks = new List<(int, string)>();
        foreach (Match m in Regex.Matches(readme, "```csharp\n(.*?)```", RegexOptions.Singleline))
        {
            blocks.Add((readme[..m.Index].Count(c => c == '\n') + 2, m.Groups[1].Value));
        }

        return blocks;
    }

    /// <summary>Lines trimmed, blank lines dropped: a quote may sit at another indentation than in its file.</summary>
    private static string Normal(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));

    /// <summary>The built sample sources (every .cs under samples/, each project in SimNet.sln), normalized.</summary>
    private static readonly Lazy<List<string>> SampleSources = new(() =>
        Directory.EnumerateFiles(Path.Combine(Root(), "samples"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => Normal(File.ReadAllText(f)))
            .ToList());

    /// <summary>
    /// Whether <paramref name="code"/> is a built sample file's text, line for line (README quotes it): its leading
    /// <c>using</c> lines are the file's, and the rest is one contiguous part of the same file (a method body, say).
    /// </summary>
    private static bool IsQuotedFile(string code)
    {
        string[] lines = Normal(code).Split('\n');
        int usings = lines.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal) || l.StartsWith("global using ", StringComparison.Ordinal)).Count();
        string body = string.Join('\n', lines.Skip(usings));
        return body.Length > 0 && SampleSources.Value.Any(source =>
            source.Contains(body, StringComparison.Ordinal) && lines.Take(usings).All(u => source.Split('\n').Contains(u)));
    }

    private static IEnumerable<MetadataReference> References()
    {
        // The shared framework only (what a new console project references), not this test's own packages.
        string framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => string.Equals(Path.GetDirectoryName(p), framework, StringComparison.Ordinal))
            .ToList();
        paths.Add(typeof(Simulation).Assembly.Location);
        paths.Add(typeof(SimNet.Sockets.Socket).Assembly.Location);
        paths.Add(typeof(SimNet.Testing.Seeds).Assembly.Location);
        return paths.Distinct().Select(p => MetadataReference.CreateFromFile(p));
    }

    /// <summary>Each snippet is compiled once for all the tests here (the first compilation warms Roslyn up: seconds).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<CSharpCompilation>> Compiled = new();

    private static readonly Lazy<MetadataReference[]> Referenced = new(() => References().ToArray());

    private static CSharpCompilation Compile(int line, string code) =>
        Compiled.GetOrAdd(code, c => new Lazy<CSharpCompilation>(() => NewCompilation(line, c))).Value;

    private static CSharpCompilation NewCompilation(int line, string code) =>
        CSharpCompilation.Create(
            $"ReadmeSnippetAtLine{line}",
            new[]
            {
                CSharpSyntaxTree.ParseText(ImplicitUsings, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest), "GlobalUsings.g.cs"),
                CSharpSyntaxTree.ParseText(code, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest), $"README.md line {line}"),
            },
            Referenced.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));

    public static TheoryData<int> SnippetLines()
    {
        var data = new TheoryData<int>();
        foreach ((int line, _) in Snippets())
        {
            data.Add(line);
        }

        return data;
    }

    [Fact]
    public void README_has_the_snippets_this_test_reads()
    {
        List<(int Line, string Code)> snippets = Snippets();
        Assert.True(snippets.Count >= 8, $"only {snippets.Count} C# blocks found in README");
        Assert.True(snippets.Count(s => !IsQuotedFile(s.Code)) >= 6, "fewer than 6 README blocks are whole programs");
        Assert.True(snippets.Count(s => IsQuotedFile(s.Code)) >= 2, "README quotes fewer than 2 built sample files");
    }

    [Theory]
    [MemberData(nameof(SnippetLines))]
    public void A_README_snippet_compiles_as_shown(int line)
    {
        string code = Snippets().Single(s => s.Line == line).Code;
        if (IsQuotedFile(code))
        {
            return; // a built file, quoted verbatim (ReadmeSampleTests)
        }

        CSharpCompilation compilation = Compile(line, code);
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(errors.Count == 0, $"README's snippet at line {line} does not compile:\n" + string.Join("\n", errors));
    }

    /// <summary>Compiles and runs the snippet, returning what it wrote to the console.</summary>
    private static string RunSnippet(int line, string code)
    {
        using var image = new MemoryStream();
        var emitted = Compile(line, code).Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        var context = new AssemblyLoadContext($"readme-{line}", isCollectible: true);
        try
        {
            image.Position = 0;
            Assembly assembly = context.LoadFromStream(image);
            MethodInfo main = assembly.EntryPoint!;
            lock (ConsoleGate)
            {
                TextWriter original = Console.Out;
                var output = new StringWriter();
                Console.SetOut(output);
                try
                {
                    object? result = main.Invoke(null, main.GetParameters().Length == 0 ? null : new object[] { Array.Empty<string>() });
                    if (result is Task task)
                    {
                        Assert.True(task.Wait(TimeSpan.FromSeconds(60)), $"README's snippet at line {line} did not end within 60 s");
                    }
                }
                finally
                {
                    Console.SetOut(original);
                }

                return output.ToString();
            }
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void The_README_programs_that_write_no_files_run_to_the_end()
    {
        int ran = 0;
        foreach ((int line, string code) in Snippets())
        {
            if (IsQuotedFile(code) || code.Contains("Capture(", StringComparison.Ordinal))
            {
                continue;
            }

            RunSnippet(line, code);
            ran++;
        }

        Assert.True(ran >= 5, $"only {ran} README programs ran");
    }

    [Fact]
    public void The_README_WinRT_snippet_prints_the_echo_it_gets()
    {
        (int line, string code) = Snippets().Single(s => s.Code.Contains("DatagramSocket", StringComparison.Ordinal));
        string printed = RunSnippet(line, code);
        Assert.Contains("hello", printed, StringComparison.Ordinal);
    }
}
