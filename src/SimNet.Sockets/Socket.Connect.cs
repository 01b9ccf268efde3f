using System.Net;
using System.Net.Sockets;

namespace SimNet.Sockets;

public sealed partial class Socket
{
    /// <summary>
    /// Sets the default remote endpoint and the receive filter: afterwards only datagrams from it are
    /// received; the others are dropped and traced as FilteredByConnect. Connecting again changes the filter.
    /// </summary>
    /// <exception cref="SocketException">AccessDenied for a broadcast address without <see cref="EnableBroadcast"/>; NetworkUnreachable; AddressFamilyNotSupported.</exception>
    public void Connect(EndPoint remoteEP)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(remoteEP);
        if (remoteEP is DnsEndPoint dns)
        {
            Connect(dns.Host, dns.Port);
            return;
        }

        ConnectCore(ToIPEndPoint(remoteEP, nameof(remoteEP)));
    }

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>.</summary>
    public void Connect(IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        ValidatePort(port);
        Connect(new IPEndPoint(address, port));
    }

    /// <summary>Connects to the first of <paramref name="addresses"/> that works.</summary>
    public void Connect(IPAddress[] addresses, int port)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Length == 0)
        {
            throw new ArgumentException("The address list is empty.", nameof(addresses));
        }

        ValidatePort(port);
        ConnectFirst(addresses, port);
    }

    /// <summary>Resolves <paramref name="host"/> on this socket's host (blocking in virtual time), then connects.</summary>
    public void Connect(string host, int port)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(host);
        ValidatePort(port);
        Task<IPAddress[]> lookup = Host.Resolver.GetHostAddressesAsync(host, AddressFamily.Unspecified);
        sim.WaitUntil(static t => t.IsCompleted, lookup, long.MaxValue, static _ => "resolving a host name for Connect");
        ConnectFirst(lookup.GetAwaiter().GetResult(), port);
    }

    private void ConnectFirst(IPAddress[] addresses, int port)
    {
        SocketException? last = null;
        foreach (IPAddress address in addresses)
        {
            if (address.AddressFamily != AddressFamily && !(DualMode && address.AddressFamily == AddressFamily.InterNetwork))
            {
                continue;
            }

            try
            {
                ConnectCore(ToIPEndPoint(new IPEndPoint(address, port), "addresses"));
                return;
            }
            catch (SocketException e)
            {
                last = e;
            }
        }

        throw last ?? SocketErrors.Exception(SocketError.AddressFamilyNotSupported, $"None of the addresses is of the socket's family {AddressFamily}.");
    }

    private void ConnectCore(IPEndPoint remote, bool async = false)
    {
        if (tcp is not null)
        {
            StreamConnect(remote);
            return;
        }

        lock (sim.Gate)
        {
            ThrowIfDisposed();
            NetBeforeConnect(async);
            bool wasBound = udp!.IsBound;
            SocketError error = udp.Connect(remote.Address, remote.Port);
            NetAfterConnect(error, wasBound);
            SocketErrors.ThrowIfFailed(error, $"connecting to {remote} from {Host.Name}");
        }
    }

    private SocketError TryConnectCore(IPEndPoint remote)
    {
        lock (sim.Gate)
        {
            return disposed ? SocketError.OperationAborted : udp!.Connect(remote.Address, remote.Port);
        }
    }

    private static void ValidatePort(int port)
    {
        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "The port must be between 0 and 65535.");
        }
    }

    /// <summary>Connects; for UDP it completes at once.</summary>
    public Task ConnectAsync(EndPoint remoteEP) => ConnectAsync(remoteEP, CancellationToken.None).AsTask();

    /// <summary>Connects; for UDP it completes at once (a DnsEndPoint resolves first).</summary>
    public ValueTask ConnectAsync(EndPoint remoteEP, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(remoteEP);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (remoteEP is DnsEndPoint dns)
        {
            return ConnectAsync(dns.Host, dns.Port, cancellationToken);
        }

        if (tcp is not null)
        {
            return StreamConnectAsync(ToIPEndPoint(remoteEP, nameof(remoteEP)), cancellationToken);
        }

        try
        {
            ConnectCore(ToIPEndPoint(remoteEP, nameof(remoteEP)), async: true);
            return ValueTask.CompletedTask;
        }
        catch (SocketException e)
        {
            return ValueTask.FromException(e);
        }
    }

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>.</summary>
    public Task ConnectAsync(IPAddress address, int port) => ConnectAsync(address, port, CancellationToken.None).AsTask();

    /// <summary>Connects to <paramref name="address"/>:<paramref name="port"/>.</summary>
    public ValueTask ConnectAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        ValidatePort(port);
        return ConnectAsync(new IPEndPoint(address, port), cancellationToken);
    }

    /// <summary>Connects to the first of <paramref name="addresses"/> that works.</summary>
    public Task ConnectAsync(IPAddress[] addresses, int port) => ConnectAsync(addresses, port, CancellationToken.None).AsTask();

    /// <summary>Connects to the first of <paramref name="addresses"/> that works.</summary>
    public ValueTask ConnectAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Length == 0)
        {
            throw new ArgumentException("The address list is empty.", nameof(addresses));
        }

        ValidatePort(port);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (tcp is not null)
        {
            return StreamConnectFirstAsync(addresses, port, cancellationToken);
        }

        try
        {
            ConnectFirst(addresses, port);
            return ValueTask.CompletedTask;
        }
        catch (SocketException e)
        {
            return ValueTask.FromException(e);
        }
    }

    /// <summary>Resolves <paramref name="host"/> through the host's resolver, then connects.</summary>
    public Task ConnectAsync(string host, int port) => ConnectAsync(host, port, CancellationToken.None).AsTask();

    /// <summary>Resolves <paramref name="host"/> through the host's resolver, then connects.</summary>
    public async ValueTask ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(host);
        ValidatePort(port);
        IPAddress[] addresses = await Host.Resolver.GetHostAddressesAsync(host, AddressFamily.Unspecified, cancellationToken).ConfigureAwait(false);
        if (tcp is not null)
        {
            await StreamConnectFirstAsync(addresses, port, cancellationToken).ConfigureAwait(false);
            return;
        }

        ConnectFirst(addresses, port);
    }

    /// <summary>
    /// Begins a connect described by <paramref name="e"/>, as seed <c>001</c> states: returns true when
    /// pending (then <see cref="SocketAsyncEventArgs.Completed"/> is raised on the simulation's thread),
    /// false when complete at once (then it is not raised, and <paramref name="e"/> holds the result).
    /// </summary>
    /// <remarks>
    /// For UDP it sets the default remote endpoint and completes synchronously: false, with
    /// <see cref="SocketAsyncEventArgs.SocketError"/> Success, or AccessDenied for a broadcast address
    /// without the Broadcast option. A <see cref="DnsEndPoint"/> resolves first and completes pending.
    /// As measured on Linux, a UDP connect does not send the optional buffer (BytesTransferred stays 0);
    /// the atomic first buffer applies to stream sockets.
    /// </remarks>
    /// <exception cref="ObjectDisposedException">The socket is closed.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="e"/> is null.</exception>
    /// <exception cref="ArgumentException">BufferList is set, or RemoteEndPoint is null.</exception>
    /// <exception cref="NotSupportedException">RemoteEndPoint's family differs from the socket's.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="e"/> is already in use.</exception>
    public bool ConnectAsync(SocketAsyncEventArgs e)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(e);
        if (e.BufferList is not null)
        {
            throw new ArgumentException("Multiple buffers cannot be used with this method.", nameof(e));
        }

        if (e.RemoteEndPoint is null)
        {
            throw new ArgumentNullException("remoteEP", "The value of e.RemoteEndPoint cannot be null.");
        }

        if (tcp is not null)
        {
            ValidateStreamConnect();
        }

        EndPoint remote = e.RemoteEndPoint;
        if (remote is not DnsEndPoint && remote.AddressFamily != AddressFamily
            && !(DualMode && remote.AddressFamily == AddressFamily.InterNetwork))
        {
            throw new NotSupportedException($"This protocol version is not supported: the endpoint is {remote.AddressFamily}, the socket {AddressFamily}.");
        }

        e.StartOperation(SocketAsyncOperation.Connect);
        e.ConnectSocket = this;
        if (tcp is not null)
        {
            return StreamConnectAsync(e, remote);
        }

        if (remote is DnsEndPoint dns)
        {
            Task<IPAddress[]> lookup = Host.Resolver.GetHostAddressesAsync(dns.Host, dns.AddressFamily);
            lookup.ContinueWith(
                t => sim.PostCompletion(_ => FinishConnectByName(e, t, dns.Port), null),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return true;
        }

        e.SocketError = TryConnectCore(ToIPEndPointForAsync(remote));
        e.FinishSynchronously();
        return false;
    }

    private IPEndPoint ToIPEndPointForAsync(EndPoint remote)
    {
        IPEndPoint ip = remote as IPEndPoint ?? FromSerialized(remote);
        return ip.AddressFamily == AddressFamily ? ip : new IPEndPoint(ip.Address.MapToIPv6(), ip.Port);
    }

    private void FinishConnectByName(SocketAsyncEventArgs e, Task<IPAddress[]> lookup, int port)
    {
        if (disposed || lookup.IsCanceled)
        {
            e.SocketError = SocketError.OperationAborted; // closed while the name was looked up
        }
        else if (lookup.IsFaulted)
        {
            Exception error = lookup.Exception!.InnerException!;
            e.ConnectByNameError = error;
            e.SocketError = error is SocketException se ? se.SocketErrorCode : SocketError.HostNotFound;
        }
        else
        {
            e.SocketError = SocketError.HostNotFound;
            foreach (IPAddress address in lookup.Result)
            {
                if (address.AddressFamily == AddressFamily || (DualMode && address.AddressFamily == AddressFamily.InterNetwork))
                {
                    e.SocketError = TryConnectCore(ToIPEndPointForAsync(new IPEndPoint(address, port)));
                    if (e.SocketError == SocketError.Success)
                    {
                        break;
                    }
                }
            }
        }

        e.FinishAndRaise();
    }
}
