using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Transport;

namespace SimNet.Names;

/// <summary>
/// An authoritative DNS server running on a simulated host: it answers RFC 1035 wire-format queries
/// arriving on UDP port 53 (IPv4 and IPv6) from its <see cref="Zone"/>.
/// </summary>
/// <remarks>
/// Answers larger than 512 bytes (UDP without EDNS) are cut at a whole record and carry the TC bit.
/// A datagram that is not a query is dropped, except that one with a readable header and the query
/// bit gets FORMERR; a query with an opcode other than QUERY gets NOTIMP. Nothing a datagram holds
/// stops the server. Each datagram is handled as it arrives, on the simulation thread.
/// </remarks>
public sealed class DnsServer
{
    /// <summary>The DNS port.</summary>
    public const int Port = 53;

    private readonly UdpEndpoint[] endpoints;
    private readonly Receiver receiver;

    private DnsServer(Host host)
    {
        Host = host;
        Zone = new DnsZone(host.Simulation);
        receiver = new Receiver(this);
        endpoints = new[] { new UdpEndpoint(host, AddressFamily.InterNetwork), new UdpEndpoint(host, AddressFamily.InterNetworkV6) };
    }

    /// <summary>The host the server runs on.</summary>
    public Host Host { get; }

    /// <summary>The records served.</summary>
    public DnsZone Zone { get; }

    /// <summary>When true the server answers every query with SERVFAIL, like a server whose back end is broken.</summary>
    public bool Failing { get; set; }

    /// <summary>Queries answered (any response code).</summary>
    public long Answered { get; private set; }

    /// <summary>Datagrams that were not well-formed queries.</summary>
    public long Malformed { get; private set; }

    /// <summary>Starts a DNS server on <paramref name="host"/>, bound to port 53 on every address.</summary>
    /// <exception cref="SocketException">AddressAlreadyInUse: something on the host already holds UDP port 53.</exception>
    public static DnsServer Start(Host host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var server = new DnsServer(host);
        lock (host.Simulation.Gate)
        {
            SocketError e = server.endpoints[0].Bind(IPAddress.Any, Port);
            if (e == SocketError.Success)
            {
                e = server.endpoints[1].Bind(IPAddress.IPv6Any, Port);
                if (e != SocketError.Success)
                {
                    server.endpoints[0].Close(SocketError.OperationAborted);
                }
            }

            if (e != SocketError.Success)
            {
                throw new SocketException((int)e);
            }

            foreach (UdpEndpoint endpoint in server.endpoints)
            {
                endpoint.AddWaiter(server.receiver);
            }
        }

        return server;
    }

    /// <summary>
    /// Points every host of the simulation (this one included) at this server: its first address of
    /// each family as the name servers, and <see cref="DnsZone.TopologyDomain"/> as the search domain,
    /// so a bare host name such as <c>b</c> finds <c>b.sim.</c>. Hosts added later are not changed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server's host has no address on an adapter.</exception>
    public void UseForAllHosts()
    {
        IPAddress[] addresses = new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 }
            .Select(f => Host.Adapters.Select(a => a.PrimaryAddress(f)).FirstOrDefault(a => a is not null))
            .OfType<IPAddress>()
            .ToArray();
        if (addresses.Length == 0)
        {
            throw new InvalidOperationException($"The DNS server host {Host.Name} has no address on an adapter.");
        }

        foreach (Host host in Host.Simulation.Hosts)
        {
            ResolverSettings settings = host.Resolver.Settings;
            settings.NameServers.Clear();
            settings.SearchDomains.Clear();
            foreach (IPAddress a in addresses)
            {
                settings.NameServers.Add(a);
            }

            settings.SearchDomains.Add(Zone.TopologyDomain);
        }
    }

    /// <summary>Stops the server and frees port 53; later queries get ICMP port unreachable.</summary>
    public void Stop()
    {
        lock (Host.Simulation.Gate)
        {
            foreach (UdpEndpoint endpoint in endpoints)
            {
                endpoint.Close(SocketError.OperationAborted);
            }
        }
    }

    /// <summary>Builds the response to one datagram, or null when it deserves none.</summary>
    internal byte[]? Respond(ReadOnlySpan<byte> datagram)
    {
        if (!DnsWire.TryDecode(datagram, out DnsMessage? query, out _))
        {
            Malformed++;
            if (datagram.Length < 12 || (datagram[2] & 0x80) != 0)
            {
                return null;
            }

            var header = new DnsMessage { Id = (ushort)((datagram[0] << 8) | datagram[1]), IsResponse = true, Rcode = DnsRcode.FormErr };
            return DnsWire.Encode(header, DnsMessage.MaxUdpSize);
        }

        if (query!.IsResponse)
        {
            Malformed++;
            return null; // never answer an answer: two servers could bounce it forever
        }

        DnsMessage response;
        if (query.Opcode != 0)
        {
            response = DnsMessage.ResponseTo(query, DnsRcode.NotImp);
        }
        else if (query.Questions.Count != 1)
        {
            // FORMERR echoes no question: a query with thousands of them must not get them all back.
            response = DnsMessage.ResponseTo(query, DnsRcode.FormErr);
            response.Questions.Clear();
        }
        else if (query.Questions[0].Class != DnsMessage.ClassIn)
        {
            response = DnsMessage.ResponseTo(query, DnsRcode.NotImp);
        }
        else if (Failing)
        {
            response = DnsMessage.ResponseTo(query, DnsRcode.ServFail);
        }
        else
        {
            DnsQuestion q = query.Questions[0];
            response = DnsMessage.ResponseTo(query, DnsRcode.NoError);
            response.Rcode = Zone.Answer(q.Name, q.Type, response.Answers);
            response.Authoritative = response.Rcode != DnsRcode.ServFail;
        }

        Answered++;
        return DnsWire.Encode(response, DnsMessage.MaxUdpSize);
    }

    /// <summary>Takes each datagram off the server's endpoints as it arrives; stays registered for good.</summary>
    private sealed class Receiver : IUdpWaiter
    {
        private readonly DnsServer server;
        private readonly byte[] buffer = new byte[UdpEndpoint.MaxIPv6Payload];

        public Receiver(DnsServer server) => this.server = server;

        public bool TryComplete(UdpEndpoint endpoint)
        {
            while (true)
            {
                SocketError e = endpoint.TryReceive(buffer, peek: false, out ReceivedDatagram d);
                if (e == SocketError.WouldBlock || endpoint.Closed)
                {
                    return false;
                }

                if (e != SocketError.Success)
                {
                    continue; // an ICMP error left by an earlier answer: nothing to do
                }

                byte[]? answer = server.Respond(buffer.AsSpan(0, d.Length));
                if (answer is not null)
                {
                    // A send error (the client's route vanished) loses the answer, as on a real server.
                    endpoint.SendTo(answer, d.Source, d.SourcePort);
                }
            }
        }

        public void Abort(SocketError error)
        {
        }
    }
}
