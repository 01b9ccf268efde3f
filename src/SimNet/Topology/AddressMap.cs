using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace SimNet.Topology;

/// <summary>
/// A map from an IP address's value to <typeparamref name="T"/>, kept in one array of slots that hold the
/// address's bits and the value side by side (open addressing, linear probing).
/// </summary>
/// <remarks>
/// <para>
/// A segment looks up the owner of a next hop for every unicast packet. A <c>Dictionary</c> keyed by
/// <see cref="IPAddress"/> reads three places for that: its bucket array, its entry array and the key's own
/// object (to compare it); with thousands of hosts each is a cache miss of its own. Here the probe lands on one
/// slot that carries both the key's value and the answer, so a lookup costs one miss.
/// </para>
/// <para>
/// Keys compare as <see cref="IPAddress.Equals(object)"/> does: family, address bits, and for IPv6 the scope id.
/// Entries are only added or replaced, never removed (the segment's index only grows), and the map is only
/// looked up, never iterated, so no order depends on hashing.
/// </para>
/// </remarks>
internal sealed class AddressMap<T>
    where T : struct
{
    private struct Slot
    {
        public ulong High;    // IPv6: the first eight bytes; IPv4: 0
        public ulong Low;     // IPv6: the last eight bytes; IPv4: the address
        public long Scope;    // IPv6: the scope id; IPv4: 0
        public byte Family;   // 0: empty; 4 or 6
        public T Value;
    }

    private Slot[] slots = new Slot[4];
    private int count;

    public int Count => count;

    /// <summary>Finds the value stored for <paramref name="address"/>.</summary>
    public bool TryGetValue(IPAddress address, out T value)
    {
        Key(address, out byte family, out ulong high, out ulong low, out long scope);
        Slot[] s = slots;
        int mask = s.Length - 1;
        for (int i = Hash(high, low, scope) & mask; ; i = (i + 1) & mask)
        {
            ref Slot slot = ref s[i];
            if (slot.Family == 0)
            {
                value = default;
                return false;
            }

            if (slot.Low == low && slot.High == high && slot.Family == family && slot.Scope == scope)
            {
                value = slot.Value;
                return true;
            }
        }
    }

    /// <summary>Stores <paramref name="value"/> for <paramref name="address"/>, replacing what was there.</summary>
    public void Set(IPAddress address, T value)
    {
        if ((count + 1) * 2 > slots.Length)
        {
            Grow();
        }

        Key(address, out byte family, out ulong high, out ulong low, out long scope);
        Place(slots, family, high, low, scope, value);
    }

    private bool Place(Slot[] s, byte family, ulong high, ulong low, long scope, T value)
    {
        int mask = s.Length - 1;
        for (int i = Hash(high, low, scope) & mask; ; i = (i + 1) & mask)
        {
            ref Slot slot = ref s[i];
            if (slot.Family == 0)
            {
                slot = new Slot { High = high, Low = low, Scope = scope, Family = family, Value = value };
                count++;
                return true;
            }

            if (slot.Low == low && slot.High == high && slot.Family == family && slot.Scope == scope)
            {
                slot.Value = value;
                return false;
            }
        }
    }

    private void Grow()
    {
        Slot[] old = slots;
        var grown = new Slot[old.Length * 2];
        count = 0;
        foreach (ref Slot slot in old.AsSpan())
        {
            if (slot.Family != 0)
            {
                Place(grown, slot.Family, slot.High, slot.Low, slot.Scope, slot.Value);
            }
        }

        slots = grown;
    }

    private static int Hash(ulong high, ulong low, long scope)
    {
        ulong h = (low * 0x9E3779B97F4A7C15UL) ^ (high * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)scope * 0x165667B19E3779F9UL);
        return (int)(h >> 32);
    }

    private static void Key(IPAddress address, out byte family, out ulong high, out ulong low, out long scope)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            family = 4;
            high = 0;
            low = Ip.AddressRules.V4Value(address);
            scope = 0;
            return;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        family = 6;
        high = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        low = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        scope = address.ScopeId;
    }
}
