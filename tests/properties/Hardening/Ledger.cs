using SimNet.Tracing;

namespace SimNet.Properties.Hardening;

/// <summary>The trace's ledger rule: every packet id is created once (Send or Copy) and ends once (Deliver or Drop with a reason).</summary>
internal static class Ledger
{
    /// <summary>Null when the trace balances packet by packet, else what broke first.</summary>
    public static string? Violation(Trace trace)
    {
        var ends = new Dictionary<long, int>();
        foreach (TraceEvent e in trace.Events)
        {
            if (e.Kind is TraceKind.Send or TraceKind.Copy)
            {
                if (!ends.TryAdd(e.PacketId, 0))
                {
                    return $"#{e.PacketId} created twice: {e}";
                }
            }
            else if (e.Kind is TraceKind.Deliver or TraceKind.Drop)
            {
                if (!ends.TryGetValue(e.PacketId, out int n))
                {
                    return $"#{e.PacketId} ended but never created: {e}";
                }

                if (n != 0)
                {
                    return $"#{e.PacketId} ended twice: {e}";
                }

                if (e.Kind == TraceKind.Drop && e.Reason == DropReason.None)
                {
                    return $"#{e.PacketId} dropped without a reason: {e}";
                }

                ends[e.PacketId] = 1;
            }
        }

        foreach (KeyValuePair<long, int> kv in ends)
        {
            if (kv.Value == 0)
            {
                return $"#{kv.Key} never ended";
            }
        }

        return null;
    }
}
