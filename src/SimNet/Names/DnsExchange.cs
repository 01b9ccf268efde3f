using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using SimNet.Transport;

namespace SimNet.Names;

/// <summary>
/// One query datagram and the wait for its answer: a fresh UDP socket on an ephemeral port,
/// connected to the server (so ICMP port unreachable ends the wait at once), and a timer on the
/// simulation's clock. Datagrams that do not answer the question (wrong id, wrong question,
/// malformed) are ignored and the wait goes on, as glibc does.
/// </summary>
internal sealed class DnsExchange : IUdpWaiter
{
    private readonly DnsMessage query;
    private readonly byte[] buffer = new byte[4096];
    // Completed through Simulation.PostCompletion (never inline in the delivery event, never with
    // RunContinuationsAsynchronously, which would send a ConfigureAwait(false) caller to the thread pool).
    private readonly TaskCompletionSource<DnsMessage?> done = new();
    private readonly Simulation sim;

    private DnsExchange(Simulation sim, DnsMessage query)
    {
        this.sim = sim;
        this.query = query;
    }

    /// <summary>Sends <paramref name="query"/> to <paramref name="server"/> port 53 and waits; null when no usable answer came.</summary>
    public static async Task<DnsMessage?> AskAsync(Host host, IPAddress server, DnsMessage query, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Simulation sim = host.Simulation;
        var exchange = new DnsExchange(sim, query);
        byte[] wire = DnsWire.Encode(query, DnsMessage.MaxUdpSize);
        UdpEndpoint endpoint;
        ITimer timer;
        lock (sim.Gate)
        {
            endpoint = new UdpEndpoint(host, server.AddressFamily);
            SocketError e = endpoint.Connect(server, DnsServer.Port);
            if (e == SocketError.Success)
            {
                e = endpoint.SendTo(wire, server, DnsServer.Port);
            }

            if (e != SocketError.Success)
            {
                endpoint.Close(SocketError.OperationAborted);
                return null; // no route, adapter down: glibc moves to the next server at once
            }

            endpoint.AddWaiter(exchange);
            timer = sim.Clock.CreateTimer(static s => ((DnsExchange)s!).done.TrySetResult(null), exchange, timeout, Timeout.InfiniteTimeSpan);
        }

        using CancellationTokenRegistration registration = cancellationToken.Register(static s => ((DnsExchange)s!).done.TrySetCanceled(), exchange);
        try
        {
            return await exchange.done.Task.ConfigureAwait(false);
        }
        finally
        {
            lock (sim.Gate)
            {
                timer.Dispose();
                endpoint.Close(SocketError.OperationAborted);
            }
        }
    }

    public bool TryComplete(UdpEndpoint endpoint)
    {
        while (true)
        {
            SocketError e = endpoint.TryReceive(buffer, peek: false, out ReceivedDatagram d);
            if (e == SocketError.WouldBlock)
            {
                return false;
            }

            if (e != SocketError.Success)
            {
                Finish(null); // ICMP port unreachable (ECONNREFUSED): this server is not there
                return true;
            }

            if (!d.Truncated
                && DnsWire.TryDecode(buffer.AsSpan(0, d.Length), out DnsMessage? answer, out _)
                && answer!.IsResponse
                && answer.Id == query.Id
                && answer.Questions.Count == 1
                && answer.Questions[0] == query.Questions[0])
            {
                Finish(answer);
                return true;
            }
        }
    }

    public void Abort(SocketError error) => Finish(null);

    /// <summary>Called inside a kernel event: the answer is published as a completion.</summary>
    private void Finish(DnsMessage? answer) =>
        sim.PostCompletion(static s => { var (x, a) = ((DnsExchange, DnsMessage?))s!; x.done.TrySetResult(a); }, (this, answer));
}
