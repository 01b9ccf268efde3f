using System.Net;
using System.Net.Sockets;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.Performance;

/// <summary>The hot-path shortcuts in the trace hash must not change what the hash is.</summary>
public class TraceHashTests
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>The definition: FNV-1a, one xor and one multiply per byte, fields as 8 little-endian bytes.</summary>
    private static ulong ByteWise(ulong h, ulong value)
    {
        for (int i = 0; i < 8; i++)
        {
            h = (h ^ (value & 0xFF)) * FnvPrime;
            value >>= 8;
        }

        return h;
    }

    /// <summary>The definition for an address: the family (4 or 6) as a field, then each address byte.</summary>
    private static ulong ByteWise(ulong h, IPAddress address)
    {
        h = ByteWise(h, address.AddressFamily == AddressFamily.InterNetwork ? 4UL : 6UL);
        foreach (byte b in address.GetAddressBytes())
        {
            h = (h ^ b) * FnvPrime;
        }

        return h;
    }

    /// <summary>Numbers of every width, zero and all-ones included.</summary>
    private static readonly Gen<ulong> Values =
        from shift in Gen.Choose(0, 64)
        from hi in Gen.Choose(int.MinValue, int.MaxValue)
        from lo in Gen.Choose(int.MinValue, int.MaxValue)
        let full = ((ulong)(uint)hi << 32) | (uint)lo
        select shift == 64 ? 0UL : full >> shift;

    /// <summary>IPv4 and IPv6 addresses, with plenty of zero bytes.</summary>
    private static readonly Gen<IPAddress> Addresses =
        from v6 in Gen.Elements(false, true)
        from bytes in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(0)), (2, Gen.Choose(0, 255))).Select(b => (byte)b), v6 ? 16 : 4)
        select new IPAddress(bytes);

    /// <summary>A field: a number, or an address.</summary>
    private static readonly Gen<(bool IsAddress, ulong Value, IPAddress Address)> Fields =
        from isAddress in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from value in Values
        from address in Addresses
        select (isAddress, value, address);

    [SimNetProperty]
    public Property Streaming_any_fields_gives_byte_wise_FNV_1a_at_every_point()
    {
        return Prop.ForAll(Arb.From(Gen.ListOf(Fields)), fields =>
        {
            var stream = new FnvStream(FnvOffset);
            ulong expected = FnvOffset;
            foreach ((bool isAddress, ulong value, IPAddress address) in fields)
            {
                if (isAddress)
                {
                    stream.Add(address);
                    expected = ByteWise(expected, address);
                }
                else
                {
                    stream.Add(value);
                    expected = ByteWise(expected, value);
                }

                if (stream.Value != expected)
                {
                    return false;
                }
            }

            return true;
        });
    }

    [Fact]
    public void A_long_run_of_zero_fields_hashes_as_its_bytes()
    {
        var stream = new FnvStream(FnvOffset);
        ulong expected = FnvOffset;
        for (int i = 0; i < 100; i++)
        {
            stream.Add(0UL);
            expected = ByteWise(expected, 0UL);
        }

        stream.Add(ulong.MaxValue);
        expected = ByteWise(expected, ulong.MaxValue);
        Assert.Equal(expected, stream.Value);
    }
}
