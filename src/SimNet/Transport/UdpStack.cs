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
    /// <summary>Linux's default <c>net.ipv4.ip_local_port_range</c>.</summary>
    public const int EphemeralLow = 32768;
    public const int EphemeralHigh = 60999;

    private readonly Host host;
    private readonly List<UdpEndpoint> bound = new();
    private readonly List<UdpEndpoint> scratch = new();

    public UdpStack(Host host) => this.host = host;

    public IReadOnlyList<UdpEndpoint> Bound => bound;

    /// <summary>Binds <paramref name="endpoint"/>; port 0 draws an ephemeral port from the seed.</summary>
    public SocketError Bind(UdpEndpoint endpoint, IPAddress address, int port)
    {
        if (!host.IsUp)
        {
            return SocketError.NetworkDown; // a crashed host's leftover code cannot open ports
        }

        SocketError allowed = host.Ip.CheckBindAddress(AddressRules.Unmap(address));
        if (allowed != SocketError.Success)
        {
            return allowed;
        }

        if (port == 0)
        {
            port = PickEphemeral(endpoint, address);
            if (port == 0)
            {
                return SocketError.AddressAlreadyInUse;
            }
        }
        else if (Conflicts(endpoint, address, port))
        {
            return SocketError.AddressAlreadyInUse;
        }

        endpoint.LocalAddress = address;
        endpoint.LocalPort = port;
        bound.Add(endpoint);
        return SocketError.Success;
    }

    public void Unbind(UdpEndpoint endpoint) => bound.Remove(endpoint);

    private int PickEphemeral(UdpEndpoint endpoint, IPAddress address)
    {
        int span = EphemeralHigh - EphemeralLow + 1;
        int start = host.Simulation.Random.Next(span);
        for (int i = 0; i < span; i++)
        {
            int candidate = EphemeralLow + ((start + i) % span);
            if (!Conflicts(endpoint, address, candidate, ignoreReuse: true))
            {
                return candidate;
            }
        }

        return 0;
    }

    private bool Conflicts(UdpEndpoint newcomer, IPAddress address, int port, bool ignoreReuse = false)
    {
        for (int i = 0; i < bound.Count; i++)
        {
            UdpEndpoint other = bound[i];
            if (other.LocalPort != port || !Overlap(other, other.LocalAddress!, newcomer, address))
            {
                continue;
            }

            if (ignoreReuse || !(other.ReuseAddress && newcomer.ReuseAddress))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether two bindings could receive the same datagram (same address, or one is a wildcard of a family the other covers).</summary>
    private static bool Overlap(UdpEndpoint a, IPAddress aAddress, UdpEndpoint b, IPAddress bAddress)
    {
        IPAddress pa = AddressRules.Unmap(aAddress), pb = AddressRules.Unmap(bAddress);
        bool aAny = AddressRules.IsAny(pa), bAny = AddressRules.IsAny(pb);
        if (!aAny && !bAny)
        {
            return pa.Equals(pb);
        }

        (bool aV4, bool aV6) = Coverage(a, pa, aAny);
        (bool bV4, bool bV6) = Coverage(b, pb, bAny);
        return (aV4 && bV4) || (aV6 && bV6);
    }

    /// <summary>
    /// Which families a binding can receive: a specific address its own; 0.0.0.0 (also written
    /// ::ffff:0.0.0.0) IPv4 only; :: what the socket covers (IPv4 too when dual-mode).
    /// </summary>
    private static (bool V4, bool V6) Coverage(UdpEndpoint socket, IPAddress plain, bool isAny)
    {
        bool v4 = plain.AddressFamily == AddressFamily.InterNetwork;
        if (!isAny)
        {
            return (v4, !v4);
        }

        return v4 ? (socket.CoversIPv4, false) : (socket.CoversIPv4, socket.CoversIPv6);
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
        List<UdpEndpoint> matches = scratch;
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
        matches.Clear();
        if (firstTook)
        {
            accepted++;
        }

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

        if (best is null)
        {
            DropUnwanted(packet, filtered, fanOut: false);
            return;
        }

        UdpEndpoint chosen = tied == 1 ? best : NthWithScore(packet, bestScore, (int)(FlowHash(packet) % (uint)tied));
        if (chosen.TryEnqueue(packet))
        {
            sim.Deliver(packet, host, 1);
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
