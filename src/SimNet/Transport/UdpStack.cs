using System.Net;
using System.Net.Sockets;
using SimNet.Ip;
using SimNet.Topology;
using SimNet.Tracing;

namespace SimNet.Transport;

/// <summary>
/// A host's UDP port table and demultiplexer, with the Linux rules for binding, reuse, connected
/// filtering and broadcast/multicast fan-out (see <c>reference/linux-sockets.md</c>).
/// </summary>
internal sealed class UdpStack
{
    private readonly Host host;
    private readonly PortTable<UdpEndpoint> ports;
    private readonly List<UdpEndpoint> bound; // the port table's list, walked per datagram
    private List<UdpEndpoint>? scratch; // made by the first fan-out (broadcast, multicast)

    // The one bound endpoint while there is exactly one (the common host: one socket on its port): a unicast
    // datagram then reads no list object and no array (cache misses of their own with thousands of hosts).
    private UdpEndpoint? onlyBound;

    public UdpStack(Host host)
    {
        this.host = host;
        ports = new PortTable<UdpEndpoint>(host);
        bound = ports.Entries;
    }

    public IReadOnlyList<UdpEndpoint> Bound => bound;

    /// <summary>Binds <paramref name="endpoint"/> by the rules of <see cref="PortTable{T}"/>; port 0 draws an ephemeral port from the seed.</summary>
    public SocketError Bind(UdpEndpoint endpoint, IPAddress address, int port)
    {
        SocketError error = ports.Bind(endpoint, address, port, out int chosen);
        if (error == SocketError.Success)
        {
            endpoint.LocalAddress = address;
            endpoint.LocalPort = chosen;
            onlyBound = bound.Count == 1 ? bound[0] : null;
        }

        return error;
    }

    public void Unbind(UdpEndpoint endpoint)
    {
        ports.Unbind(endpoint);
        onlyBound = bound.Count == 1 ? bound[0] : null;
    }

    /// <summary>Takes a UDP packet addressed to this host and hands it to the sockets that want it.</summary>
    public void Deliver(Packet packet)
    {
        var sim = host.Simulation;
        IPAddress destination = packet.Destination;
        bool fanOut = AddressRules.IsMulticast(destination) || AddressRules.IsLimitedBroadcast(destination)
            || (packet.ArrivedOn is { } a && a.IsDirectedBroadcast(destination));
        if (!fanOut)
        {
            DeliverUnicast(packet);
            return;
        }

        bool filtered = false;
        List<UdpEndpoint> matches = scratch ??= new();
        matches.Clear();
        for (int i = 0; i < bound.Count; i++)
        {
            if (Score(bound[i], packet, ref filtered) >= 0)
            {
                matches.Add(bound[i]);
            }
        }

        if (matches.Count == 0)
        {
            DropUnwanted(packet, filtered, fanOut: true);
            return;
        }

        int accepted = 0;
        for (int i = 1; i < matches.Count; i++)
        {
            Packet copy = sim.Packets.Rent(packet.Length);
            copy.CopyHeaderFrom(packet);
            copy.Id = packet.Id; // the same datagram reaching several sockets of one host: one Deliver event
            packet.Payload.CopyTo(copy.Buffer);
            if (matches[i].TryEnqueue(copy))
            {
                accepted++;
            }
            else
            {
                sim.Packets.Return(copy);
            }
        }

        bool firstTook = matches[0].TryEnqueue(packet);
        if (firstTook)
        {
            accepted++;
        }

        // The packet's end goes into the trace before any waiter runs: a waiter takes its datagram and
        // recycles the packet, and the trace must not read a packet after its ownership moved.
        if (accepted > 0)
        {
            sim.Deliver(packet, host, accepted);
            if (!firstTook)
            {
                sim.Packets.Return(packet);
            }
        }
        else
        {
            sim.Drop(packet, host, packet.ArrivedOn, DropReason.ReceiveBufferFull);
        }

        // Then the waiters, in the order the sockets were filled (copies first, then the original).
        // Waking never delivers synchronously (every hop is an event), so the scratch list stays ours.
        for (int i = 1; i < matches.Count; i++)
        {
            matches[i].WakeWaiters();
        }

        matches[0].WakeWaiters();
        matches.Clear();
    }

    /// <summary>
    /// Unicast: the best-scoring socket takes the datagram; among equals (an SO_REUSEPORT group) the
    /// sender's address and port pick one, as Linux's hash does. Counts the best instead of listing
    /// them, and walks again only for a group.
    /// </summary>
    private void DeliverUnicast(Packet packet)
    {
        var sim = host.Simulation;
        bool filtered = false;
        int bestScore = -1;
        int tied = 0;
        UdpEndpoint? best = null;
        if (onlyBound is { } only)
        {
            if ((bestScore = Score(only, packet, ref filtered)) >= 0)
            {
                best = only;
                tied = 1;
            }
        }
        else
        {
            for (int i = 0; i < bound.Count; i++)
            {
                UdpEndpoint s = bound[i];
                int score = Score(s, packet, ref filtered);
                if (score > bestScore)
                {
                    bestScore = score;
                    best = s;
                    tied = 1;
                }
                else if (score == bestScore && score >= 0)
                {
                    tied++;
                }
            }
        }

        if (best is null)
        {
            DropUnwanted(packet, filtered, fanOut: false);
            return;
        }

        UdpEndpoint chosen = tied == 1 ? best : NthWithScore(packet, bestScore, (int)(FlowHash(packet) % (uint)tied));
        if (chosen.TryEnqueue(packet))
        {
            sim.Deliver(packet, host, 1); // recorded before a waiter takes the datagram and recycles the packet
            chosen.WakeWaiters();
        }
        else
        {
            sim.Drop(packet, host, packet.ArrivedOn, DropReason.ReceiveBufferFull);
        }
    }

    /// <summary>
    /// Whether and how well <paramref name="s"/> takes the datagram: -1 when it does not (a connected
    /// socket's filter also sets <paramref name="filtered"/>); else Linux's score, where a socket bound to
    /// the exact address and one connected to this very peer beat wildcards.
    /// </summary>
    private static int Score(UdpEndpoint s, Packet packet, ref bool filtered)
    {
        if (s.LocalPort != packet.DestinationPort || !s.Accepts(packet.Destination))
        {
            return -1;
        }

        if (s.IsConnected && !s.IsPeer(packet.Source, packet.SourcePort))
        {
            filtered = true;
            return -1;
        }

        return (AddressRules.IsAny(s.LocalAddress!) ? 0 : 4) + (s.IsConnected ? 4 : 0);
    }

    /// <summary>The <paramref name="n"/>-th socket, in bind order, that scores <paramref name="score"/>.</summary>
    private UdpEndpoint NthWithScore(Packet packet, int score, int n)
    {
        bool ignored = false;
        for (int i = 0; i < bound.Count; i++)
        {
            if (Score(bound[i], packet, ref ignored) == score && n-- == 0)
            {
                return bound[i];
            }
        }

        throw new InvalidOperationException("The socket table changed while a datagram was delivered: a SimNet bug.");
    }

    private void DropUnwanted(Packet packet, bool filtered, bool fanOut)
    {
        var sim = host.Simulation;
        if (!fanOut)
        {
            // Linux answers any unicast datagram no socket took with port unreachable, including
            // one refused by a connected socket's filter.
            host.SendPortUnreachable(packet);
        }

        sim.Drop(packet, host, packet.ArrivedOn, filtered ? DropReason.FilteredByConnect : DropReason.PortUnreachable);
    }

    private static uint FlowHash(Packet packet)
    {
        Span<byte> bytes = stackalloc byte[16];
        packet.Source.TryWriteBytes(bytes, out int n);
        uint h = 2166136261;
        for (int i = 0; i < n; i++)
        {
            h = (h ^ bytes[i]) * 16777619;
        }

        h = (h ^ (uint)packet.SourcePort) * 16777619;
        return h;
    }

    /// <summary>An ICMP port unreachable came back: the connected socket it names gets ConnectionRefused.</summary>
    public int ReportUnreachable(Packet icmp)
    {
        for (int i = 0; i < bound.Count; i++)
        {
            UdpEndpoint s = bound[i];
            if (s.LocalPort == icmp.QuotedSourcePort && s.IsConnected && s.IsPeer(icmp.QuotedDestination, icmp.QuotedDestinationPort) && s.Accepts(icmp.QuotedSource))
            {
                s.SetPendingError(SocketError.ConnectionRefused);
                return 1;
            }
        }

        return 0;
    }
}
