using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SimNet.Tracing;

/// <summary>
/// The trace's running hash: one step per event over the event's numeric fields as 64-bit words.
/// </summary>
/// <remarks>
/// <para>An event's fields are first folded into one word, <c>r = Σ wᵢ·Kᵢ + K₀</c> (mod 2⁶⁴), with a fixed odd
/// constant per field position; the running hash then takes one step, <c>h = rotl((h ⊕ r)·P, 29)</c>. Each
/// field's product is independent of the others, so the processor computes them side by side, and only one
/// multiply per event is on the chain from one event to the next (the byte-wise FNV-1a this replaces had
/// about thirty, one after another, and was a third of a datagram's cost).</para>
/// <para>What it guarantees, exactly: multiplying by an odd constant is a bijection of 64-bit words, so a
/// change of any one word (a number, half of an address's bytes, or the two families) changes <c>r</c>; and one
/// step is a bijection of <c>h</c> for a fixed <c>r</c> and of <c>r</c> for a fixed <c>h</c>. Two traces of
/// the same length that differ in one word of one event therefore always end with different hashes; wider
/// differences collide only by chance (about 2⁻⁶⁴). It is a replay check,
/// not a cryptographic hash. Only numbers go in (never a string's or an object's hash code), so the value
/// is the same in every process and on every machine.</para>
/// </remarks>
internal struct TraceHash
{
    /// <summary>The hash of an empty trace.</summary>
    public const ulong Empty = 14695981039346656037UL;

    private const ulong Step = 0x9E3779B97F4A7C15UL; // odd: a bijection

    // One odd constant per field position of an event (splitmix64 outputs with the low bit set).
    private const ulong K0 = 0xE220A8397B1DCDAFUL;
    private const ulong K1 = 0x6E789E6AA1B965F5UL;
    private const ulong K2 = 0x06C45D188009454FUL;
    private const ulong K3 = 0xF88BB8A8724C81EDUL;
    private const ulong K4 = 0x1B39896A51A8749BUL;
    private const ulong K5 = 0x53CB9F0C747EA2EBUL;
    private const ulong K6 = 0x3C7DDE1A0ED5E8C1UL;
    private const ulong K7 = 0xB24F1B9C2F61E9B3UL;
    private const ulong K8 = 0x9C25BC5B1F7CC6D7UL;
    private const ulong K9 = 0xD2B4E2B3A7A0BF6BUL;
    private const ulong K10 = 0x7A1E5E5D4A3F2C19UL;
    private const ulong K11 = 0x41C64E6DA3BC0075UL;
    private const ulong K12 = 0x2545F4914F6CDD1DUL;
    private const ulong K13 = 0xC2B2AE3D27D4EB4FUL;
    private const ulong K14 = 0x165667B19E3779F9UL;
    private const ulong K15 = 0x85EBCA77C2B2AE63UL;
    private const ulong K16 = 0xFF51AFD7ED558CCDUL;

    private ulong h;

    public TraceHash(ulong start) => h = start;

    /// <summary>The hash of every event added so far.</summary>
    public readonly ulong Value => h;

    /// <summary>Adds one event: its numbers, and its two addresses (family and bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong time, ulong kind, ulong packetId, ulong parentId, ulong reason, ulong protocol, ulong hostIndex, IPAddress source, ulong sourcePort, IPAddress destination, ulong destinationPort, ulong length, ulong receivers)
    {
        (ulong sourceLow, ulong sourceHigh, ulong sourceFamily) = Words(source);
        (ulong destinationLow, ulong destinationHigh, ulong destinationFamily) = Words(destination);
        ulong r = K0
            + (time * K1) + (kind * K2) + (packetId * K3) + (parentId * K4) + (reason * K5) + (protocol * K6) + (hostIndex * K7)
            + (sourceLow * K8) + (sourceHigh * K9) + (sourcePort * K10)
            + (destinationLow * K11) + (destinationHigh * K12) + (destinationPort * K13)
            + (length * K14) + (receivers * K15) + (((sourceFamily << 8) | destinationFamily) * K16);
        h = BitOperations.RotateLeft((h ^ r) * Step, 29);
    }

    /// <summary>An address as two words of its bytes (IPv4: the four bytes, then zero) and its family (4 or 6).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (ulong Low, ulong High, ulong Family) Words(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
#pragma warning disable CS0618 // IPAddress.Address is obsolete for IPv6 only; for IPv4 it holds the bytes in network order
            return ((ulong)(uint)address.Address, 0, 4);
#pragma warning restore CS0618
        }

        return IPv6Words(address);
    }

    private static (ulong Low, ulong High, ulong Family) IPv6Words(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return (BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]), 6);
    }
}
