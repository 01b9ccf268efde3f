using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using SimNet.Topology;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.AspNetCore;

/// <summary>
/// Kestrel's transport on a simulated host: binds each endpoint Kestrel asks for with a SimNet TCP
/// listening socket on <see cref="Host"/>, and hands every accepted simulated connection to Kestrel.
/// </summary>
/// <remarks>
/// <para>Register it with <see cref="SimNetWebHostBuilderExtensions.UseSimNet(Microsoft.AspNetCore.Hosting.IWebHostBuilder, Host)"/>,
/// which also removes the real socket and QUIC transports, so the app never opens a real port.</para>
/// <para>Endpoints are <see cref="IPEndPoint"/>s as Kestrel configures them (<c>ListenAnyIP</c>,
/// <c>Listen(IPAddress, port)</c>, <c>http://*:80</c>); <see cref="IPAddress.IPv6Any"/> binds a dual-mode
/// socket, as the real transport does. Port 0 takes an ephemeral port of the host.</para>
/// </remarks>
public sealed class SimNetConnectionListenerFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly Lock gate = new();
    private int open;
    private long nextConnection;

    /// <summary>Creates the transport for <paramref name="host"/>.</summary>
    public SimNetConnectionListenerFactory(Host host)
    {
        ArgumentNullException.ThrowIfNull(host);
        Host = host;
    }

    /// <summary>The simulated host whose endpoints Kestrel listens on.</summary>
    public Host Host { get; }

    /// <summary>How many accepted connections are open now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (gate)
            {
                return open;
            }
        }
    }

    /// <summary>Raised (on the simulation's thread) when the first connection opens after none were open, and when the last one closes.</summary>
    internal event Action<bool>? BusyChanged;

    /// <inheritdoc />
    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    /// <inheritdoc />
    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint is not IPEndPoint ip)
        {
            throw new NotSupportedException($"SimNet listens on IP endpoints only, not on {endpoint.GetType().Name} '{endpoint}'.");
        }

        Socket socket = ip.Address.Equals(IPAddress.IPv6Any)
            ? new Socket(Host, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(Host, ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(ip);
            socket.Listen(512);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException(e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new ValueTask<IConnectionListener>(new Listener(this, socket));
    }

    private void Opened()
    {
        bool first;
        lock (gate)
        {
            first = ++open == 1;
        }

        if (first)
        {
            BusyChanged?.Invoke(true);
        }
    }

    private void Closed(SimNetConnection connection)
    {
        bool last;
        lock (gate)
        {
            last = --open == 0;
        }

        if (last)
        {
            BusyChanged?.Invoke(false);
        }
    }

    private string NextConnectionId() => $"{Host.Name}:{Interlocked.Increment(ref nextConnection)}";

    private sealed class Listener(SimNetConnectionListenerFactory factory, Socket socket) : IConnectionListener
    {
        public EndPoint EndPoint { get; } = socket.LocalEndPoint!;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            Socket accepted;
            try
            {
                accepted = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return null; // unbound
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown)
            {
                return null; // unbound, or the host crashed
            }

            var connection = new SimNetConnection(accepted, factory.NextConnectionId(), factory.Closed);
            factory.Opened();
            connection.Start();
            return connection;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
