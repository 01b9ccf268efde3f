using System.Reflection;
using System.Text.RegularExpressions;
using Xunit;

namespace SimNet.Properties.Docs;

public partial class ReadmeTests
{
    [Fact]
    public void Every_test_the_readme_names_exists_as_a_fact_in_this_assembly()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var facts = typeof(ReadmeTests).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<FactAttribute>() is not null)
            .Select(m => m.Name)
            .ToHashSet(StringComparer.Ordinal);
        var cited = TestName().Matches(readme).Select(m => m.Groups["name"].Value).Distinct().ToList();
        Assert.True(cited.Count > 20, $"only {cited.Count} test names found in README: the pattern is broken");
        var missing = cited.Where(name => !facts.Contains(name)).ToList();
        Assert.True(missing.Count == 0, "README names tests that do not exist: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_ci_script_runs_exactly_the_readme_test_command()
    {
        string root = RepositoryRoot();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string command = Regex.Match(readme, @"^(bash scripts/test\.sh)\b", RegexOptions.Multiline).Groups[1].Value;
        Assert.Equal("bash scripts/test.sh", command);
        Assert.Contains(command, File.ReadAllText(Path.Combine(root, ".ci", "run")));
    }

    // A test name in README: a backticked identifier with underscores, optionally prefixed by its class.
    [GeneratedRegex(@"`(?:[A-Za-z]+\.)?(?<name>[A-Z][A-Za-z0-9]*_[A-Za-z0-9_]*[a-z0-9])`")]
    private static partial Regex TestName();

    private static string RepositoryRoot()
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
}
