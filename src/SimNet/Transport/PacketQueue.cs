using SimNet.Ip;

namespace SimNet.Transport;

/// <summary>
/// A first-in first-out queue of packets that keeps its first packet in a field of its own and allocates a
/// <see cref="Queue{T}"/> only when a second one waits behind it.
/// </summary>
/// <remarks>
/// A receive queue mostly holds nothing or one datagram. Kept inline in its socket's object, that case reads
/// no other object: with thousands of hosts, the queue object and its array were two cache misses of their
/// own on every delivery and every read. A mutable struct: keep it in a field, never copy it.
/// </remarks>
internal struct PacketQueue
{
    private Packet? head;          // null only while the queue is empty
    private Queue<Packet>? behind; // the packets after head, in order

    public readonly int Count => head is null ? 0 : 1 + (behind?.Count ?? 0);

    public readonly bool TryPeek([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Packet? packet)
    {
        packet = head;
        return packet is not null;
    }

    public void Enqueue(Packet packet)
    {
        if (head is null)
        {
            head = packet;
        }
        else
        {
            (behind ??= new Queue<Packet>()).Enqueue(packet);
        }
    }

    public bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Packet? packet)
    {
        packet = head;
        if (packet is null)
        {
            return false;
        }

        head = behind is { Count: > 0 } rest ? rest.Dequeue() : null;
        return true;
    }
}
