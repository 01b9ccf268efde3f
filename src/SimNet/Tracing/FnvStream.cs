using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SimNet.Tracing;

/// <summary>
/// FNV-1a over a stream of little-endian fields, with the same value as the byte-by-byte
/// definition (<c>h = (h ^ b) * prime</c> for every byte) but fewer multiplies.
/// </summary>
/// <remarks>
/// The running hash is kept as <c>x * prime^owed</c>. A zero byte only multiplies by the prime, so
/// it just adds one to <c>owed</c>; a non-zero byte pays what is owed in one multiply (a table
/// lookup for the power) before its xor. Small numbers, which most trace fields are, then cost one
/// multiply per significant byte and zero fields cost none.
/// </remarks>
internal struct FnvStream
{
    public const ulong Prime = 1099511628211UL;

    private static readonly ulong[] Powers = BuildPowers(256);

    private ulong x;
    private int owed;

    public FnvStream(ulong hash)
    {
        x = hash;
        owed = 0;
    }

    /// <summary>The hash of everything added so far.</summary>
    public readonly ulong Value => x * Power(owed);

    /// <summary>Adds the 8 little-endian bytes of <paramref name="value"/>.</summary>
    /// <remarks>Inlined so the running value stays in a register across a whole event.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong value)
    {
        int significant = (71 - BitOperations.LeadingZeroCount(value)) >> 3;
        if (significant == 0)
        {
            owed += 8;
            return;
        }

        x = (x * Power(owed)) ^ (value & 0xFF);
        for (int i = 1; i < significant; i++)
        {
            value >>= 8;
            x = (x * Prime) ^ (value & 0xFF);
        }

        owed = 9 - significant;
    }

    /// <summary>Adds the family (4 or 6) as a field, then each byte of the address.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Add(4UL);
#pragma warning disable CS0618 // IPAddress.Address is obsolete for IPv6 only; for IPv4 it holds the bytes in network order
            long network = address.Address;
#pragma warning restore CS0618
            for (int i = 0; i < 4; i++)
            {
                AddByte((ulong)((network >> (8 * i)) & 0xFF));
            }

            return;
        }

        AddIPv6(address);
    }

    private void AddIPv6(IPAddress address)
    {
        Add(6UL);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        for (int i = 0; i < written; i++)
        {
            AddByte(bytes[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddByte(ulong b)
    {
        if (b == 0)
        {
            owed++;
            return;
        }

        x = (x * Power(owed)) ^ b;
        owed = 1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Power(int exponent)
    {
        ulong[] powers = Powers;
        return (uint)exponent < (uint)powers.Length ? powers[exponent] : LargePower(exponent);
    }

    private static ulong LargePower(int exponent)
    {
        ulong[] powers = Powers;
        ulong p = 1;
        for (; exponent >= powers.Length; exponent -= powers.Length - 1)
        {
            p *= powers[^1];
        }

        return p * powers[exponent];
    }

    private static ulong[] BuildPowers(int count)
    {
        var powers = new ulong[count];
        powers[0] = 1;
        for (int i = 1; i < count; i++)
        {
            powers[i] = powers[i - 1] * Prime;
        }

        return powers;
    }
}
