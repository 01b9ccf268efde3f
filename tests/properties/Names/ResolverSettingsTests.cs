using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Names;
using SimNet.Testing;
using SimNet.Topology;
using Xunit;

namespace SimNet.Properties.Names;

public class ResolverSettingsTests
{
    [SimNetProperty]
    public Property Resolv_conf_text_gives_the_servers_search_list_and_options_it_says_within_glibc_limits()
    {
        Gen<(string[] Servers, string[] Search, int Timeout, int Attempts, int Ndots, bool Comments)> conf =
            from servers in Gen.Choose(0, 5).SelectMany(n => Gen.ArrayOf(Gen.Choose(1, 254).Select(i => $"10.0.{i}.53"), n))
            from search in Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(DnsWireTests.Label.Select(l => l + ".sim"), n))
            from timeout in Gen.Choose(0, 60)
            from attempts in Gen.Choose(0, 9)
            from ndots in Gen.Choose(0, 20)
            from comments in Gen.Elements(true, false)
            select (servers, search, timeout, attempts, ndots, comments);
        return Prop.ForAll(Arb.From(conf), c =>
        {
            var lines = new List<string> { "# generated", "domain ignored.sim" };
            lines.AddRange(c.Servers.Select(s => "nameserver\t" + s + (c.Comments ? " # primary" : string.Empty)));
            lines.Add("search " + string.Join(' ', c.Search) + (c.Comments ? " ; trailing" : string.Empty));
            lines.Add($"options timeout:{c.Timeout} attempts:{c.Attempts}  ndots:{c.Ndots} rotate bogus:x");
            lines.Add("sortlist 10.0.0.0/255.0.0.0");
            ResolverSettings s = ResolverSettings.Parse(string.Join(c.Comments ? "\r\n" : "\n", lines));
            Assert.Equal(c.Servers.Take(3).Select(IPAddress.Parse), s.NameServers);
            Assert.Equal(c.Search.Length > 0 ? c.Search : new[] { "ignored.sim" }, s.SearchDomains); // an empty search line is ignored
            Assert.Equal(TimeSpan.FromSeconds(Math.Clamp(c.Timeout, 1, 30)), s.Timeout);
            Assert.Equal(Math.Clamp(c.Attempts, 1, 5), s.Attempts);
            Assert.Equal(Math.Min(c.Ndots, 15), s.Ndots);
        });
    }

    [Fact]
    public void Cancelled_lookup_ends_at_once_with_OperationCanceledException_and_frees_its_socket()
    {
        (Simulation sim, Host client, DnsServer _) = ResolutionTests.World(9);
        client.Resolver.Settings = ResolverSettings.Parse("nameserver 10.0.0.99\noptions timeout:5 attempts:3\n");
        using var cts = new CancellationTokenSource();
        Exception? caught = null;
        client.Run(async () =>
        {
            Task<IPAddress[]> lookup = client.Resolver.GetHostAddressesAsync("ns.sim", AddressFamily.InterNetwork, cts.Token);
            sim.Schedule(TimeSpan.FromSeconds(2), cts.Cancel);
            try
            {
                await lookup;
            }
            catch (Exception e)
            {
                caught = e;
            }
        });
        Assert.IsAssignableFrom<OperationCanceledException>(caught);
        Assert.Equal(TimeSpan.FromSeconds(2), sim.Clock.Elapsed);
        Assert.Empty(client.Udp.Bound);
    }
}
