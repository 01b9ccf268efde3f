using System.Net;
using System.Net.Sockets;
using SimNet.Topology;
using NetworkStream = SimNet.Sockets.NetworkStream;
using Socket = SimNet.Sockets.Socket;

namespace SimNet.Http;

/// <summary>
/// <see cref="HttpClient"/>s and handlers for code running on a simulated host: every connection is a
/// SimNet TCP connection from that host, host names resolve through the host's resolver (its hosts,
/// its services file, the simulated DNS server), and the request timeout runs on virtual time.
/// </summary>
public static class SimNetHttp
{
    /// <summary>
    /// A <see cref="SocketsHttpHandler"/> whose <see cref="SocketsHttpHandler.ConnectCallback"/> opens
    /// SimNet TCP connections from <paramref name="host"/>. HTTP/1.1 and HTTP/2 (h2c with
    /// <see cref="HttpVersionPolicy.RequestVersionExact"/> or a gRPC channel) work over it.
    /// </summary>
    /// <remarks>
    /// The settings the handler would otherwise run on wall-clock timers are set so they cannot act in the
    /// middle of a simulation: <see cref="SocketsHttpHandler.PooledConnectionIdleTimeout"/> and
    /// <see cref="SocketsHttpHandler.PooledConnectionLifetime"/> are infinite (the pool's cleaning timer is a
    /// wall-clock timer on the thread pool), and no proxy is used. It turns on the simulation's
    /// <see cref="Simulation.OrderedThreadPool"/>, so the handler's hops to the thread pool replay exactly. See docs/http.md for the full list and the
    /// virtual-time alternative of each.
    /// </remarks>
    public static SocketsHttpHandler CreateHandler(Host host)
    {
        ArgumentNullException.ThrowIfNull(host);
        host.Simulation.OrderedThreadPool = true; // the handler's hops to the pool run one at a time, in order
        return new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(host, context.DnsEndPoint, cancellationToken),
        };
    }

    /// <summary>
    /// An <see cref="HttpClient"/> for <paramref name="host"/>: <see cref="CreateHandler"/> behind a
    /// <see cref="VirtualTimeoutHandler"/> that cancels a request after <paramref name="timeout"/> of
    /// the simulation's virtual time (100 s by default, as <see cref="HttpClient.Timeout"/>), with the
    /// <see cref="TimeoutException"/> inside a <see cref="TaskCanceledException"/> as HttpClient's own
    /// timeout reports. <see cref="HttpClient.Timeout"/> itself (wall time) is set to infinite.
    /// </summary>
    public static HttpClient CreateClient(Host host, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        var handler = new VirtualTimeoutHandler(host.Simulation.Clock, timeout ?? TimeSpan.FromSeconds(100))
        {
            InnerHandler = CreateHandler(host),
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Opens a SimNet TCP connection from <paramref name="host"/> to <paramref name="endpoint"/> and returns
    /// it as a stream: the body of a <see cref="SocketsHttpHandler.ConnectCallback"/>, for handlers you build yourself.
    /// </summary>
    /// <exception cref="SocketException">The name did not resolve (HostNotFound), or the connection was refused or timed out.</exception>
    public static async ValueTask<Stream> ConnectAsync(Host host, DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(endpoint);
        Socket socket = IPAddress.TryParse(endpoint.Host, out IPAddress? literal)
            ? new Socket(host, literal.AddressFamily, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(host, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (literal is not null)
            {
                await socket.ConnectAsync(new IPEndPoint(literal, endpoint.Port), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Turns off a <c>Grpc.Net.Client.GrpcChannel</c>'s own deadline timer (a wall-clock
    /// <see cref="System.Threading.Timer"/>), so a call's deadline is enforced only on virtual time: by a
    /// <see cref="VirtualTimeoutHandler"/> in the channel's handler chain (<see cref="CreateGrpcHandler"/>)
    /// and by the server. The deadline still travels in the <c>grpc-timeout</c> header.
    /// </summary>
    /// <remarks>
    /// The switch is Grpc.Net.Client's internal <c>GrpcChannel.DisableClientDeadline</c> field (there for its own
    /// tests), reached by name; SimNet's tests pin it against Grpc.Net.Client 2.85.0. The parameter is typed
    /// <see cref="object"/> so this package does not depend on gRPC.
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="grpcChannel"/> is not a <c>Grpc.Net.Client.GrpcChannel</c>.</exception>
    public static void UseVirtualGrpcDeadlines(object grpcChannel)
    {
        ArgumentNullException.ThrowIfNull(grpcChannel);
        if (grpcChannel.GetType().FullName != "Grpc.Net.Client.GrpcChannel")
        {
            throw new ArgumentException($"Expected a Grpc.Net.Client.GrpcChannel, got {grpcChannel.GetType().FullName}.", nameof(grpcChannel));
        }

        GrpcChannelDeadline(grpcChannel) = true;
    }

    /// <summary>
    /// The handler to give a gRPC channel (<c>GrpcChannelOptions.HttpHandler</c>) on <paramref name="host"/>:
    /// <see cref="CreateHandler"/> behind a <see cref="VirtualTimeoutHandler"/> with no timeout of its own, which
    /// enforces each call's deadline on virtual time.
    /// </summary>
    public static HttpMessageHandler CreateGrpcHandler(Host host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new VirtualTimeoutHandler(host.Simulation.Clock, Timeout.InfiniteTimeSpan) { InnerHandler = CreateHandler(host) };
    }

    [System.Runtime.CompilerServices.UnsafeAccessor(System.Runtime.CompilerServices.UnsafeAccessorKind.Field, Name = "DisableClientDeadline")]
    internal static extern ref bool GrpcChannelDeadline([System.Runtime.CompilerServices.UnsafeAccessorType("Grpc.Net.Client.GrpcChannel, Grpc.Net.Client")] object channel);
}
