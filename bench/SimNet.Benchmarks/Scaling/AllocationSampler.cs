using System.Diagnostics.Tracing;

/// <summary>
/// Counts the runtime's GC AllocationTick events (one about every 100 KB allocated) by type name: a
/// cheap in-process view of what allocates, for the harness's <c>--alloc</c> option.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> bytesByType = new(StringComparer.Ordinal);
    private bool on;

    public void Start()
    {
        lock (bytesByType)
        {
            bytesByType.Clear();
            on = true;
        }
    }

    /// <summary>Stops and returns the sampled types, largest first.</summary>
    public List<KeyValuePair<string, long>> Stop()
    {
        lock (bytesByType)
        {
            on = false;
            var list = bytesByType.ToList();
            list.Sort((x, y) => y.Value != x.Value ? y.Value.CompareTo(x.Value) : string.CompareOrdinal(x.Key, y.Key));
            return list;
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!e.EventName!.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }

        int typeIndex = e.PayloadNames!.IndexOf("TypeName");
        int amountIndex = e.PayloadNames.IndexOf("AllocationAmount64");
        string type = typeIndex >= 0 ? e.Payload[typeIndex] as string ?? "?" : "?";
        long amount = amountIndex >= 0 ? Convert.ToInt64(e.Payload[amountIndex]) : 100_000;
        lock (bytesByType)
        {
            if (on)
            {
                bytesByType[type] = bytesByType.GetValueOrDefault(type) + amount;
            }
        }
    }
}
