using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Ip;
using SimNet.Testing;
using Xunit;

namespace SimNet.Properties.Performance;

/// <summary>The copy-free address checks must classify exactly as the byte-wise definitions do.</summary>
public class AddressRulesTests
{
    [SimNetProperty]
    public Property Multicast_is_224_to_239_for_IPv4_and_ff00_8_for_IPv6()
    {
        Gen<byte[]> bytes =
            from v6 in Gen.Elements(false, true)
            from first in Gen.Frequency((1, Gen.Choose(220, 240)), (1, Gen.Choose(0, 255)))
            from rest in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), v6 ? 15 : 3)
            select new[] { (byte)first }.Concat(rest).ToArray();
        return Prop.ForAll(Arb.From(bytes), b =>
        {
            var address = new IPAddress(b);
            bool expected = b.Length == 4 ? b[0] is >= 224 and <= 239 : b[0] == 0xFF;
            bool any = b.All(x => x == 0);
            return AddressRules.IsMulticast(address) == expected
                && AddressRules.IsAny(address) == any;
        });
    }

    [Fact]
    public void Multicast_is_224_to_239_for_IPv4_and_ff00_8_for_IPv6_examples()
    {
        Assert.True(AddressRules.IsAny(IPAddress.Any));
        Assert.True(AddressRules.IsAny(IPAddress.IPv6Any));
        Assert.False(AddressRules.IsAny(IPAddress.Any.MapToIPv6()));
    }
}
