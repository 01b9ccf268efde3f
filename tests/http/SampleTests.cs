using System.Text.RegularExpressions;
using SimNet.WebService;
using Xunit;

namespace SimNet.Http.Tests;

public partial class SampleTests
{
    [Fact]
    public void Web_service_sample_retries_through_the_partition_and_gets_every_order()
    {
        string output = Demo.Run(seed: 2026);
        for (int id = 1; id <= 4; id++)
        {
            Assert.Contains($"{{\"id\":{id},\"status\":\"shipped\"", output, StringComparison.Ordinal);
        }

        Assert.Contains("timed out, retrying", output, StringComparison.Ordinal); // the partition from 1 s to 4 s
    }

    [Fact]
    public void Readme_section_shows_the_samples_code_line_for_line()
    {
        string root = Root();
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        string demo = File.ReadAllText(Path.Combine(root, "samples", "WebService", "Demo.cs"));
        string sample = Regex.Match(demo, @"// --- sample: begin\r?\n(?<code>.*?)\s*// --- sample: end", RegexOptions.Singleline).Groups["code"].Value;
        Assert.False(string.IsNullOrWhiteSpace(sample), "the sample's markers are missing");
        string section = Regex.Match(readme, @"## Your ASP\.NET Core service on the simulated network(?<s>.*?)\n## ", RegexOptions.Singleline).Groups["s"].Value;
        Assert.False(string.IsNullOrWhiteSpace(section), "README has no section 'Your ASP.NET Core service on the simulated network'");
        string Normal(string s) => string.Join('\n', s.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
        Assert.Contains(Normal(sample), Normal(section), StringComparison.Ordinal);
    }

    private static string Root()
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
