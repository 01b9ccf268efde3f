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
        var ordered = new List<DnsRecord>(records.Count);
        foreach (IGrouping<int, DnsRecord> group in records.GroupBy(r => r.Priority).OrderBy(g => g.Key))
        {
            var pool = group.Where(r => r.Weight == 0).Concat(group.Where(r => r.Weight != 0)).ToList();
            while (pool.Count > 0)
            {
                int sum = pool.Sum(r => r.Weight);
                int draw = random.Next(sum + 1);
                int running = 0;
                for (int i = 0; i < pool.Count; i++)
                {
                    running += pool[i].Weight;
                    if (running >= draw)
                    {
                        ordered.Add(pool[i]);
                        pool.RemoveAt(i);
                        break;
                    }
                }
            }
        }

        return ordered;
    }
}
