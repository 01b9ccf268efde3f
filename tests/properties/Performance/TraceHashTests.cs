using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Tracing;

namespace SimNet.Properties.Performance;

/// <summary>
/// The trace hash (<see cref="TraceHash"/>) is a replay check: it must tell apart traces that differ anywhere,
/// and in the order of their events, while costing one chained multiply per event.
/// </summary>
public class TraceHashTests
{
    /// <summary>An event's fields as the trace hashes them: thirteen numbers and two addresses.</summary>
    private sealed record Event(ulong[] Numbers, IPAddress Source, IPAddress Destination);

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

    private static readonly Gen<Event> Events =
        from numbers in Gen.ArrayOf(Values, 11)
        from source in Addresses
        from destination in Addresses
        select new Event(numbers, source, destination);

    private static ulong HashOf(IEnumerable<Event> events)
    {
        var hash = new TraceHash(TraceHash.Empty);
        foreach (Event e in events)
        {
            ulong[] n = e.Numbers;
            hash.Add(n[0], n[1], n[2], n[3], n[4], n[5], n[6], e.Source, n[7], e.Destination, n[8], n[9], n[10]);
        }

        return hash.Value;
    }

    /// <summary>A different value for one number, or one address with one byte changed (or of the other family).</summary>
    private static Event Changed(Event e, int field, ulong delta, int byteIndex)
    {
        if (field < e.Numbers.Length)
        {
            ulong[] numbers = (ulong[])e.Numbers.Clone();
            numbers[field] += delta | 1; // never zero: a different number
            return e with { Numbers = numbers };
        }

        IPAddress address = field == e.Numbers.Length ? e.Source : e.Destination;
        byte[] bytes = address.GetAddressBytes();
        bytes[byteIndex % bytes.Length] ^= (byte)((delta % 255) + 1);
        IPAddress other = new(bytes);
        return field == e.Numbers.Length ? e with { Source = other } : e with { Destination = other };
    }

    [SimNetProperty]
    public Property Two_traces_that_differ_in_one_number_or_one_address_byte_of_one_event_end_with_different_hashes()
    {
        Gen<(List<Event> Trace, int Index, int Field, ulong Delta, int ByteIndex)> cases =
            from trace in Gen.ListOf(Events).Where(t => t.Count > 0).Select(t => t.ToList())
            from index in Gen.Choose(0, trace.Count - 1)
            from field in Gen.Choose(0, 12)
            from delta in Values
            from byteIndex in Gen.Choose(0, 15)
            select (trace, index, field, delta, byteIndex);
        return Prop.ForAll(Arb.From(cases), c =>
        {
            var other = new List<Event>(c.Trace);
            other[c.Index] = Changed(c.Trace[c.Index], c.Field, c.Delta, c.ByteIndex);
            return HashOf(c.Trace) != HashOf(other);
        });
    }

    [SimNetProperty]
    public Property The_hash_depends_on_the_order_of_events_and_on_their_number()
    {
        Gen<(Event A, Event B, int Zeros)> cases =
            from a in Events
            from b in Events.Where(b => !b.Numbers.SequenceEqual(a.Numbers))
            from zeros in Gen.Choose(1, 5)
            select (a, b, zeros);
        return Prop.ForAll(Arb.From(cases), c =>
        {
            var zero = new Event(new ulong[11], IPAddress.Any, IPAddress.Any);
            return HashOf([c.A, c.B]) != HashOf([c.B, c.A])
                && HashOf([c.A]) != HashOf(Enumerable.Repeat(zero, c.Zeros).Prepend(c.A))
                && HashOf(Enumerable.Repeat(zero, c.Zeros)) != HashOf(Enumerable.Repeat(zero, c.Zeros + 1));
        });
    }
}
