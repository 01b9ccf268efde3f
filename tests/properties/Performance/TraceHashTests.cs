using FsCheck;
using FsCheck.Fluent;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.Performance;

/// <summary>The hot-path shortcuts must not change what the trace hash is.</summary>
public class TraceHashTests
{
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>The definition: FNV-1a over the 8 little-endian bytes, one multiply per byte.</summary>
    private static ulong ByteWiseFnv(ulong h, ulong value)
    {
        for (int i = 0; i < 8; i++)
        {
            h = (h ^ (value & 0xFF)) * FnvPrime;
            value >>= 8;
        }

        return h;
    }

    private static readonly Gen<ulong> Values =
        from shift in Gen.Choose(0, 64)
        from hi in Gen.Choose(int.MinValue, int.MaxValue)
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        let full = ((ulong)(uint)hi << 32) | (uint)lo
        select shift == 64 ? 0UL : full >> shift;

    [Fact]
    public void Mixing_a_field_equals_byte_wise_FNV_1a_for_values_of_every_width()
    {
        Prop.ForAll(Arb.From(Gen.Two(Values)), pair => Trace.Mix(pair.Item1, pair.Item2) == ByteWiseFnv(pair.Item1, pair.Item2))
            .QuickCheckThrowOnFailure();
        Assert.Equal(ByteWiseFnv(14695981039346656037UL, 0), Trace.Mix(14695981039346656037UL, 0));
        Assert.Equal(ByteWiseFnv(1, ulong.MaxValue), Trace.Mix(1, ulong.MaxValue));
    }

    /// <summary>The definition for an address: the family (4 or 6) as a field, then each address byte.</summary>
    private static ulong ByteWiseAddress(ulong h, System.Net.IPAddress address)
    {
        h = ByteWiseFnv(h, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 4UL : 6UL);
        foreach (byte b in address.GetAddressBytes())
        {
            h = (h ^ b) * FnvPrime;
        }

        return h;
    }

    [Fact]
    public void Mixing_an_address_equals_byte_wise_FNV_1a_over_its_bytes()
    {
        Gen<System.Net.IPAddress> addresses =
            from v6 in Gen.Elements(false, true)
            from bytes in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), v6 ? 16 : 4)
            select new System.Net.IPAddress(bytes);
        Prop.ForAll(Arb.From(Gen.Zip(Values, addresses)), pair => Trace.MixAddress(pair.Item1, pair.Item2) == ByteWiseAddress(pair.Item1, pair.Item2))
            .QuickCheckThrowOnFailure();
    }
}
