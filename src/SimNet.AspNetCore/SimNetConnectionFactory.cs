using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using SimNet.Topology;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.AspNetCore;

/// <summary>
/// Client connections for code written against <see cref="IConnectionFactory"/> (SignalR's client,
/// Orleans' client and silo-to-silo connections): each connection is a SimNet TCP connection from
/// <see cref="Host"/>, with names resolved by that host's simulated resolver.
/// </summary>
public sealed class SimNetConnectionFactory : IConnectionFactory
{
    private long nextConnection;

    /// <summary>Creates the factory for connections from <paramref name="host"/>.</summary>
    public SimNetConnectionFactory(Host host)
    {
        ArgumentNullException.ThrowIfNull(host);
        Host = host;
    }

    /// <summary>The simulated host the connections start from.</summary>
    public Host Host { get; }

    /// <summary>Connects to an <see cref="IPEndPoint"/> or a <see cref="DnsEndPoint"/> (resolved through the host's resolver and DNS server).</summary>
    /// <exception cref="SocketException">The connection was refused, timed out or the name did not resolve, with the real error code.</exception>
    public async ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Socket socket = await SimNetConnect.ConnectAsync(Host, endpoint, cancellationToken).ConfigureAwait(false);
        var connection = new SimNetConnection(socket, $"{Host.Name}>{Interlocked.Increment(ref nextConnection)}", onClosed: null);
        connection.Start();
        return connection;
    }
}

/// <summary>Connecting a simulated TCP socket to an IP or DNS endpoint, the way the real socket's ConnectAsync tries each address.</summary>
internal static class SimNetConnect
{
    public static async ValueTask<Socket> ConnectAsync(Host host, EndPoint endpoint, CancellationToken cancellationToken)
    {
        switch (endpoint)
        {
            case IPEndPoint ip:
            {
                var socket = new Socket(host, ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(ip, cancellationToken).ConfigureAwait(false);
                    return socket;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            case DnsEndPoint dns:
            {
                var socket = new Socket(host, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(dns.Host, dns.Port, cancellationToken).ConfigureAwait(false);
                    return socket;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            default:
                throw new NotSupportedException($"SimNet connects to IPEndPoint or DnsEndPoint, not {endpoint.GetType().Name} '{endpoint}'.");
        }
    }
}
