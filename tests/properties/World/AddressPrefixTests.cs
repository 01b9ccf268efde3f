using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using Xunit;

namespace SimNet.Properties.World;

/// <summary>An adapter address must carry its prefix: a bare address is refused, never silently read as a /32.</summary>
public class AddressPrefixTests
{
    [SimNetProperty(MaxTest = 50)]
    public Property An_address_without_a_prefix_is_an_ArgumentException_that_shows_the_fix_and_adds_nothing() =>
        Prop.ForAll(Arb.From(Gen.Elements("10.0.0.3", "192.0.2.77", "2001:db8::5", "fe80::1")), address =>
        {
            var sim = new Simulation(1);
            var lan = sim.AddSegment("lan");
            var host = sim.AddHost("h");
            var e = Assert.Throws<ArgumentException>(() => host.AddAdapter("eth0", lan, address));
            Assert.Equal("addresses", e.ParamName);
            Assert.Contains($"'{address}' has no prefix length", e.Message);
            Assert.Contains(address.Contains(':') ? $"'{address}/64'" : $"'{address}/24'", e.Message);
            Assert.Empty(host.Adapters);
            Assert.Empty(lan.Adapters);

            var nic = host.AddAdapter("eth0", lan, address.Contains(':') ? address + "/64" : address + "/24");
            Assert.Throws<ArgumentException>(() => nic.AddAddress(address));
            Assert.Single(nic.Addresses);
        });
}
