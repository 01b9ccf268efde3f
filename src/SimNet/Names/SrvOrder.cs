using SimNet.Kernel;

namespace SimNet.Names;

/// <summary>The order RFC 2782 says to try SRV targets in: by priority, and within one priority by weighted draw.</summary>
internal static class SrvOrder
{
    /// <summary>
    /// Orders <paramref name="records"/>: lowest priority first; within a priority, repeatedly draw a
    /// number in [0, sum of weights] and take the first record whose running sum reaches it, with
    /// zero-weight records placed first so they have a small chance (RFC 2782, "Usage rules").
    /// </summary>
    public static List<DnsRecord> Order(IReadOnlyList<DnsRecord> records, SimRandom random)
    {
        // Stable by priority, zero weights first within a priority.
        var sorted = new List<(DnsRecord Record, int Index)>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            sorted.Add((records[i], i));
        }

        sorted.Sort(static (a, b) =>
        {
            int c = a.Record.Priority.CompareTo(b.Record.Priority);
            if (c == 0)
            {
                c = (a.Record.Weight == 0 ? 0 : 1).CompareTo(b.Record.Weight == 0 ? 0 : 1);
            }

            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });

        var ordered = new List<DnsRecord>(records.Count);
        var pool = new List<DnsRecord>();
        int at = 0;
        while (at < sorted.Count)
        {
            int priority = sorted[at].Record.Priority;
            int sum = 0;
            pool.Clear();
            for (; at < sorted.Count && sorted[at].Record.Priority == priority; at++)
            {
                pool.Add(sorted[at].Record);
                sum += sorted[at].Record.Weight;
            }

            while (pool.Count > 0)
            {
                int draw = random.Next(sum + 1);
                int running = 0;
                for (int i = 0; i < pool.Count; i++)
                {
                    running += pool[i].Weight;
                    if (running >= draw)
                    {
                        ordered.Add(pool[i]);
                        sum -= pool[i].Weight;
                        pool.RemoveAt(i);
                        break;
                    }
                }
            }
        }

        return ordered;
    }
}
