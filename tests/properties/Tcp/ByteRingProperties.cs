using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Transport.Tcp;
using Xunit;

namespace SimNet.Properties.Tcp;

/// <summary>The ring grows its memory on demand and hands it back to a pool; it must still behave as a plain bounded byte queue.</summary>
public class ByteRingProperties
{
    /// <summary>Ops: 0 write, 1 read, 2 peek at an offset, 3 discard from the front, 4 discard from the back, 5 resize, 6 release, 7 clear.</summary>
    private sealed record Case(int Capacity, (int Op, int N)[] Ops);

    private static Gen<Case> Cases() =>
        from capacity in Gen.Elements(1, 100, 4096, 5000, 70_000, 200_000)
        from ops in Gen.ArrayOf(
            from op in Gen.Frequency((5, Gen.Constant(0)), (4, Gen.Constant(1)), (2, Gen.Constant(2)), (1, Gen.Constant(3)), (1, Gen.Constant(4)), (1, Gen.Constant(5)), (1, Gen.Constant(6)), (1, Gen.Constant(7)))
            from n in Gen.Frequency((3, Gen.Choose(0, 3000)), (1, Gen.Choose(0, 150_000)))
            select (op, n))
        select new Case(capacity, ops);

    [SimNetProperty]
    public Property The_ring_holds_exactly_the_bytes_a_bounded_queue_would_whatever_the_writes_reads_resizes_and_releases()
    {
        return Prop.ForAll(Arb.From(Cases()), c =>
        {
            var ring = new ByteRing(c.Capacity);
            var model = new List<byte>();
            int capacity = c.Capacity;
            byte next = 0;
            foreach ((int op, int n) in c.Ops)
            {
                switch (op)
                {
                    case 0:
                        var data = new byte[n];
                        for (int i = 0; i < n; i++)
                        {
                            data[i] = next++;
                        }

                        int written = ring.Write(data);
                        Assert.Equal(Math.Min(n, capacity - model.Count), written);
                        model.AddRange(data.AsSpan(0, written).ToArray());
                        break;
                    case 1:
                        var read = new byte[n];
                        int got = ring.Read(read);
                        Assert.Equal(Math.Min(n, model.Count), got);
                        Assert.Equal(model.GetRange(0, got), read.AsSpan(0, got).ToArray());
                        model.RemoveRange(0, got);
                        break;
                    case 2 when model.Count > 0:
                        int offset = n % model.Count;
                        var peek = new byte[Math.Min(n, model.Count - offset)];
                        ring.CopyOut(offset, peek);
                        Assert.Equal(model.GetRange(offset, peek.Length), peek);
                        break;
                    case 3:
                        int front = Math.Min(n, model.Count);
                        ring.Discard(front);
                        model.RemoveRange(0, front);
                        break;
                    case 4:
                        int back = Math.Min(n, model.Count);
                        ring.DiscardTail(back);
                        model.RemoveRange(model.Count - back, back);
                        break;
                    case 5:
                        ring.Resize(n);
                        capacity = Math.Max(Math.Max(n, model.Count), 1);
                        break;
                    case 6:
                        ring.Release();
                        break;
                    case 7:
                        ring.Clear();
                        model.Clear();
                        break;
                }

                Assert.Equal(model.Count, ring.Count);
                Assert.Equal(capacity, ring.Capacity);
                Assert.Equal(capacity - model.Count, ring.Free);
            }

            var rest = new byte[model.Count];
            ring.CopyOut(0, rest);
            Assert.Equal(model.ToArray(), rest);
        });
    }
}
