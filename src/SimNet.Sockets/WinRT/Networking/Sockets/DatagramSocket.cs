using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SimNet.Ip;
using SimNet.Topology;
using SimNet.Transport;
using SimNet.Windows.Foundation;
using SimNet.Windows.Storage.Streams;
using Win32Error = System.Net.Sockets.SocketError;
using TopologyAdapter = SimNet.Topology.NetworkAdapter;
using WinRTAdapter = SimNet.Windows.Networking.Connectivity.NetworkAdapter;

namespace SimNet.Windows.Networking.Sockets;

/// <summary>
/// A UDP socket shaped like Windows.Networking.Sockets.DatagramSocket, on a SimNet host.
/// </summary>
/// <remarks>
/// <para>Typical order: create, set <see cref="Control"/> (rarely), assign <see cref="MessageReceived"/>,
/// then <see cref="ConnectAsync(EndpointPair)"/> and write to <see cref="OutputStream"/>, or bind and use
/// <see cref="GetOutputStreamAsync(HostName, string)"/>.</para>
/// <para>WinRT async operations are tasks. Errors are exceptions whose <see cref="Exception.HResult"/>
/// <see cref="SocketError.GetStatus"/> maps as on Windows (table in docs/winrt.md). Argument errors are
/// thrown by the call itself; network errors fault the task.</para>
/// <para><see cref="MessageReceived"/> is raised on the simulation's synchronization context, one
/// datagram at a time, never inside the sender's call. Await the socket's tasks on that context
/// (inside <see cref="Simulation.Run(Host, Func{Task})"/>) for deterministic runs.</para>
/// <para>The socket is dual-stack (IPv6 with IPv4-mapped addresses) unless bound to an IPv4 address.</para>
/// </remarks>
public sealed class DatagramSocket : IDisposable
{
    private readonly Host host;
    private readonly UdpEndpoint endpoint;
    private readonly Receiver receiver;
    private readonly List<Task> pending = new();
    private TypedEventHandler<DatagramSocket, DatagramSocketMessageReceivedEventArgs>? messageReceived;
    private CancellationTokenSource cancel = new();
    private DatagramOutputStream? outputStream;
    private TopologyAdapter? boundAdapter;
    private IPAddress? broadcastVia;
    private bool bindStarted;
    private bool connectStarted;
    private bool receiving;
    private bool disposed;

    /// <summary>Creates a socket on the host the code runs on (<see cref="Host.Current"/>).</summary>
    /// <exception cref="InvalidOperationException">No host is current.</exception>
    public DatagramSocket()
        : this(Host.Current ?? throw new InvalidOperationException("No current host: create the DatagramSocket in code run by Host.Run or Simulation.Run(host, ...), or pass the host."))
    {
    }

    /// <summary>Creates a socket on <paramref name="host"/>.</summary>
    public DatagramSocket(Host host)
    {
        ArgumentNullException.ThrowIfNull(host);
        this.host = host;
        endpoint = new UdpEndpoint(host, AddressFamily.InterNetworkV6)
        {
            DualMode = true,
            Broadcast = true,
            TimeToLive = 128,
        };
        receiver = new Receiver(this);
        Control = new DatagramSocketControl(this);
        Information = new DatagramSocketInformation(this);
    }

    /// <summary>
    /// Raised for each datagram received (only from the connected remote after <see cref="ConnectAsync(EndpointPair)"/>).
    /// Must be assigned before any bind or connect: a bind or connect with no handler, and adding a handler
    /// after one, fail with <see cref="InvalidOperationException"/> (HRESULT 0x8000000E, E_ILLEGAL_METHOD_CALL).
    /// </summary>
    public event TypedEventHandler<DatagramSocket, DatagramSocketMessageReceivedEventArgs>? MessageReceived
    {
        add
        {
            ThrowIfDisposed();
            if (HasStarted)
            {
                throw HResults.IllegalCall("MessageReceived must be assigned before the DatagramSocket binds or connects.");
            }

            messageReceived += value;
        }

        remove => messageReceived -= value;
    }

    /// <summary>Advanced settings.</summary>
    public DatagramSocketControl Control { get; }

    /// <summary>The local and remote addresses and ports.</summary>
    public DatagramSocketInformation Information { get; }

    /// <summary>The stream to the connected remote endpoint; writing before <see cref="ConnectAsync(EndpointPair)"/> fails with 0x8000000E.</summary>
    public IOutputStream OutputStream
    {
        get
        {
            ThrowIfDisposed();
            return outputStream ??= new DatagramOutputStream(this);
        }
    }

    /// <summary>The host the socket belongs to (a SimNet addition).</summary>
    public Host Host => host;

    internal bool HasStarted => bindStarted || connectStarted || WithEndpoint(e => e.IsBound);

    // ---------------------------------------------------------------- bind

    /// <summary>Binds to <paramref name="localServiceName"/> (a service name or port; empty for any) on every local address.</summary>
    public Task BindServiceNameAsync(string localServiceName)
    {
        if (localServiceName is null)
        {
            throw HResults.NullArgument(nameof(localServiceName));
        }

        BeginBind(nameof(BindServiceNameAsync));
        return Tracked(BindCoreAsync(null, localServiceName, null));
    }

    /// <summary>
    /// Binds to <paramref name="localServiceName"/> on <paramref name="adapter"/> only: the socket binds to the
    /// adapter's first IPv4 address (else its first IPv6 address), sends multicast through it, and a later
    /// <see cref="ConnectAsync(EndpointPair)"/> whose pair names a LocalHostName fails.
    /// </summary>
    public Task BindServiceNameAsync(string localServiceName, WinRTAdapter adapter)
    {
        if (localServiceName is null)
        {
            throw HResults.NullArgument(nameof(localServiceName));
        }

        if (adapter is null)
        {
            throw HResults.NullArgument(nameof(adapter));
        }

        if (adapter.Adapter.Host != host)
        {
            throw HResults.BadArgument(nameof(adapter), $"{adapter.Adapter} is not an adapter of {host.Name}.");
        }

        BeginBind(nameof(BindServiceNameAsync));
        return Tracked(BindCoreAsync(null, localServiceName, adapter.Adapter));
    }

    /// <summary>Binds to <paramref name="localHostName"/> (null for every address) and <paramref name="localServiceName"/> (empty for any port).</summary>
    public Task BindEndpointAsync(HostName? localHostName, string localServiceName)
    {
        if (localServiceName is null)
        {
            throw HResults.NullArgument(nameof(localServiceName));
        }

        BeginBind(nameof(BindEndpointAsync));
        return Tracked(BindCoreAsync(localHostName, localServiceName, null));
    }

    private void BeginBind(string operation)
    {
        ThrowIfDisposed();
        RequireHandler(operation);
        if (HasStarted)
        {
            throw HResults.IllegalCall($"{operation}: the DatagramSocket is already bound or connected.");
        }

        bindStarted = true;
    }

    private async Task BindCoreAsync(HostName? localHostName, string localServiceName, TopologyAdapter? adapter)
    {
        try
        {
            int port = await ResolveLocalPortAsync(localServiceName).ConfigureAwait(false);
            IPAddress address;
            if (adapter is not null)
            {
                address = adapter.PrimaryAddress(AddressFamily.InterNetwork) ?? adapter.PrimaryAddress(AddressFamily.InterNetworkV6)
                    ?? throw HResults.Socket(Win32Error.AddressNotAvailable);
            }
            else
            {
                address = localHostName is null ? IPAddress.IPv6Any : await ResolveLocalAddressAsync(localHostName).ConfigureAwait(false);
            }

            BindKernel(address, port, adapter);
        }
        catch
        {
            bindStarted = false;
            throw;
        }
    }

    private void BindKernel(IPAddress address, int port, TopologyAdapter? adapter)
    {
        lock (host.Simulation.Gate)
        {
            ThrowIfDisposed();
            Throw(endpoint.Bind(address, port));
            if (adapter is not null)
            {
                boundAdapter = adapter;
                endpoint.MulticastInterface = adapter.Index;
            }

            StartReceiving();
        }
    }

    // ---------------------------------------------------------------- connect

    /// <summary>Connects to <paramref name="remoteHostName"/>:<paramref name="remoteServiceName"/>; the system picks the local address and port.</summary>
    public Task ConnectAsync(HostName remoteHostName, string remoteServiceName)
    {
        ValidateRemote(remoteHostName, remoteServiceName);
        return ConnectAsync(new EndpointPair(null, string.Empty, remoteHostName, remoteServiceName));
    }

    /// <summary>
    /// Sets the default destination of <see cref="OutputStream"/> and restricts <see cref="MessageReceived"/>
    /// to datagrams from the remote endpoint. Unicast only: a multicast remote fails with status HostNotFound.
    /// 255.255.255.255 connects through the first adapter that counts (see docs/winrt.md, "First adapter").
    /// </summary>
    public Task ConnectAsync(EndpointPair endpointPair)
    {
        if (endpointPair is null)
        {
            throw HResults.NullArgument(nameof(endpointPair));
        }

        ValidatePair(endpointPair);
        ThrowIfDisposed();
        RequireHandler(nameof(ConnectAsync));
        if (connectStarted)
        {
            throw HResults.IllegalCall("ConnectAsync: the DatagramSocket is already connected.");
        }

        if (HasStarted && NamesLocalPart(endpointPair))
        {
            throw HResults.IllegalCall(boundAdapter is not null
                ? "ConnectAsync: the socket was bound to a network adapter, so the EndpointPair may not name a LocalHostName."
                : "ConnectAsync: the socket is already bound, so the EndpointPair may not name a local host or service.");
        }

        connectStarted = true;
        return Tracked(ConnectCoreAsync(endpointPair));
    }

    private async Task ConnectCoreAsync(EndpointPair pair)
    {
        try
        {
            await BindLocalPartAsync(pair).ConfigureAwait(false);
            (IPAddress remote, int port) = await ResolveRemoteAsync(pair.RemoteHostName!, pair.RemoteServiceName!).ConfigureAwait(false);
            if (AddressRules.IsMulticast(remote))
            {
                throw HResults.Socket(Win32Error.HostNotFound);
            }

            lock (host.Simulation.Gate)
            {
                ThrowIfDisposed();
                RequireBoundFamily(remote);
                IPAddress? via = null;
                if (AddressRules.IsLimitedBroadcast(remote))
                {
                    List<IPAddress> sources = BroadcastAdapters.Sources(host, TiedAdapter());
                    via = sources.Count > 0 ? sources[0] : throw HResults.Socket(Win32Error.NetworkUnreachable);
                }

                Throw(endpoint.Connect(remote, port, via));
                broadcastVia = via;
                StartReceiving();
            }
        }
        catch
        {
            connectStarted = false;
            throw;
        }
    }

    // ---------------------------------------------------------------- send

    /// <summary>
    /// A stream to <paramref name="remoteHostName"/>:<paramref name="remoteServiceName"/> (unicast, multicast or broadcast;
    /// call as often as you like). Writing binds the socket if needed; a bound, unconnected socket receives from any remote.
    /// A stream to 255.255.255.255 sends one copy through every adapter that counts.
    /// </summary>
    public Task<IOutputStream> GetOutputStreamAsync(HostName remoteHostName, string remoteServiceName)
    {
        ValidateRemote(remoteHostName, remoteServiceName);
        ThrowIfDisposed();
        return Tracked(OutputStreamCoreAsync(remoteHostName, remoteServiceName));
    }

    /// <summary>Like <see cref="GetOutputStreamAsync(HostName, string)"/>, binding first with the pair's local part when it names one.</summary>
    public Task<IOutputStream> GetOutputStreamAsync(EndpointPair endpointPair)
    {
        if (endpointPair is null)
        {
            throw HResults.NullArgument(nameof(endpointPair));
        }

        ValidatePair(endpointPair);
        ThrowIfDisposed();
        bool bindsHere = NamesLocalPart(endpointPair);
        if (bindsHere && HasStarted)
        {
            throw HResults.IllegalCall("GetOutputStreamAsync: the socket is already bound, so the EndpointPair may not name a local host or service.");
        }

        if (bindsHere)
        {
            bindStarted = true;
        }

        return Tracked(PairOutputStreamCoreAsync(endpointPair, bindsHere));
    }

    private async Task<IOutputStream> PairOutputStreamCoreAsync(EndpointPair pair, bool bindsHere)
    {
        if (bindsHere)
        {
            try
            {
                await BindLocalPartAsync(pair).ConfigureAwait(false);
            }
            catch
            {
                bindStarted = false;
                throw;
            }
        }

        return await OutputStreamCoreAsync(pair.RemoteHostName!, pair.RemoteServiceName!).ConfigureAwait(false);
    }

    private async Task<IOutputStream> OutputStreamCoreAsync(HostName remoteHostName, string remoteServiceName)
    {
        (IPAddress remote, int port) = await ResolveRemoteAsync(remoteHostName, remoteServiceName).ConfigureAwait(false);
        return new DatagramOutputStream(this, remote, port);
    }

    /// <summary>One datagram to the connected peer (a connected broadcast goes through the first adapter only).</summary>
    internal void SendConnected(ReadOnlySpan<byte> payload)
    {
        lock (host.Simulation.Gate)
        {
            ThrowIfDisposed();
            if (!endpoint.IsConnected)
            {
                throw HResults.IllegalCall("OutputStream: the DatagramSocket is not connected; call ConnectAsync or use GetOutputStreamAsync.");
            }

            RequireMulticastIfMulticastOnly(endpoint.RemoteAddress!);
            RequireBoundFamily(endpoint.RemoteAddress!);
            Throw(endpoint.SendTo(payload, endpoint.RemoteAddress!, endpoint.RemotePort, broadcastVia));
            StartReceiving();
        }
    }

    /// <summary>One datagram to a fixed destination; a limited broadcast, one copy through every adapter that counts.</summary>
    internal void SendTo(ReadOnlySpan<byte> payload, IPAddress destination, int port)
    {
        lock (host.Simulation.Gate)
        {
            ThrowIfDisposed();
            RequireMulticastIfMulticastOnly(destination);
            RequireBoundFamily(destination);
            if (AddressRules.IsLimitedBroadcast(destination))
            {
                List<IPAddress> sources = BroadcastAdapters.Sources(host, TiedAdapter());
                if (sources.Count == 0)
                {
                    throw HResults.Socket(Win32Error.NetworkUnreachable);
                }

                foreach (IPAddress source in sources)
                {
                    Throw(endpoint.SendTo(payload, destination, port, source));
                }
            }
            else
            {
                Throw(endpoint.SendTo(payload, destination, port));
            }

            StartReceiving();
        }
    }

    /// <summary>A socket bound to one address sends only to that address's family (WSAEAFNOSUPPORT otherwise).</summary>
    private void RequireBoundFamily(IPAddress destination)
    {
        if (endpoint.LocalAddress is { } local && !AddressRules.IsAny(local)
            && AddressRules.Unmap(local).AddressFamily != AddressRules.Unmap(destination).AddressFamily)
        {
            throw HResults.Socket(Win32Error.AddressFamilyNotSupported);
        }
    }

    private void RequireMulticastIfMulticastOnly(IPAddress destination)
    {
        if (Control.MulticastOnly && !AddressRules.IsMulticast(AddressRules.Unmap(destination)))
        {
            throw HResults.Socket(Win32Error.InvalidArgument);
        }
    }

    // ---------------------------------------------------------------- multicast, cancel, close

    /// <summary>
    /// Joins <paramref name="host"/> (a multicast address): on the socket's adapter if it is bound to one (or to one
    /// address), otherwise on every adapter that is up and has an address of the group's family. Call after binding.
    /// </summary>
    public void JoinMulticastGroup(HostName host)
    {
        if (host is null)
        {
            throw HResults.NullArgument(nameof(host));
        }

        ThrowIfDisposed();
        if (host.Address is not { } group || !AddressRules.IsMulticast(group))
        {
            throw HResults.BadArgument(nameof(host), $"{host} is not a multicast address.");
        }

        lock (this.host.Simulation.Gate)
        {
            if (!endpoint.IsBound)
            {
                throw HResults.IllegalCall("JoinMulticastGroup: bind the DatagramSocket first.");
            }

            TopologyAdapter? tied = TiedAdapter();
            IEnumerable<TopologyAdapter> adapters = tied is not null
                ? new[] { tied }
                : this.host.Adapters.Where(a => a.IsUp && a.PrimaryAddress(group.AddressFamily) is not null);
            bool joined = false;
            foreach (TopologyAdapter adapter in adapters)
            {
                Win32Error e = endpoint.Join(group, adapter);
                if (e is not Win32Error.Success and not Win32Error.AddressAlreadyInUse)
                {
                    Throw(e);
                }

                joined = true;
            }

            if (!joined)
            {
                throw HResults.Socket(Win32Error.NetworkUnreachable);
            }
        }
    }

    /// <summary>Cancels pending operations (they fail with status OperationAborted) and completes when all have finished.</summary>
    public async Task CancelIOAsync()
    {
        ThrowIfDisposed();
        CancellationTokenSource old = cancel;
        cancel = new CancellationTokenSource();
        await old.CancelAsync().ConfigureAwait(false);
        foreach (Task t in pending.ToArray())
        {
            try
            {
                await t.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Its caller sees the failure; here we only wait for it to be over.
            }
        }

        old.Dispose();
    }

    /// <summary>Closes the socket: unbinds, leaves groups, aborts pending operations and stops raising <see cref="MessageReceived"/>.</summary>
    public void Dispose()
    {
        lock (host.Simulation.Gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            endpoint.Close(Win32Error.OperationAborted);
        }

        cancel.Cancel();
        messageReceived = null;
    }

    // ---------------------------------------------------------------- receive

    private void StartReceiving()
    {
        if (!receiving && endpoint.IsBound && !endpoint.Closed)
        {
            receiving = true;
            endpoint.AddWaiter(receiver);
        }
    }

    /// <summary>
    /// Runs on the simulation's context: raises the event for one datagram, then asks the endpoint for
    /// the next. Until then later datagrams wait in the receive buffer, so its size is the real limit.
    /// </summary>
    private void Raise(Win32Error status, byte[] data, ReceivedDatagram datagram)
    {
        Host? previous = Host.Current;
        Simulation? previousMarker = SimNet.Kernel.OffThreadWork.Enter(host.Simulation);
        try
        {
            Host.SetCurrent(host);
            TypedEventHandler<DatagramSocket, DatagramSocketMessageReceivedEventArgs>? handler = messageReceived;
            if (!disposed && handler is not null && Wanted(status, datagram))
            {
                handler(this, CreateArgs(status, data, datagram));
            }
        }
        finally
        {
            Host.SetCurrent(previous);
            SimNet.Kernel.OffThreadWork.Enter(previousMarker);
            lock (host.Simulation.Gate)
            {
                if (!disposed)
                {
                    endpoint.AddWaiter(receiver);
                }
            }
        }
    }

    private bool Wanted(Win32Error status, ReceivedDatagram datagram) =>
        status != Win32Error.Success || !Control.MulticastOnly || AddressRules.IsMulticast(datagram.Destination);

    private DatagramSocketMessageReceivedEventArgs CreateArgs(Win32Error status, byte[] data, ReceivedDatagram d)
    {
        if (status != Win32Error.Success)
        {
            // An ICMP error for a connected socket: the event names the peer, the reader throws.
            IPAddress local = endpoint.LocalAddress ?? IPAddress.IPv6Any;
            return new DatagramSocketMessageReceivedEventArgs(
                new HostName(endpoint.RemoteAddress!, null), endpoint.RemotePort.ToString(CultureInfo.InvariantCulture), new HostName(local, null), Array.Empty<byte>(), status);
        }

        IPAddress destination = AddressRules.Unmap(d.Destination);
        IPAddress localAddress = destination;
        if ((AddressRules.IsMulticast(destination) || AddressRules.IsLimitedBroadcast(destination) || d.Adapter?.IsDirectedBroadcast(destination) == true)
            && d.Adapter?.PrimaryAddress(destination.AddressFamily) is { } own)
        {
            localAddress = own;
        }

        return new DatagramSocketMessageReceivedEventArgs(
            new HostName(d.Source, null), d.SourcePort.ToString(CultureInfo.InvariantCulture), new HostName(localAddress, null), data, null);
    }

    /// <summary>Takes one datagram (or a pending ICMP error) off the endpoint and posts its event to the simulation's context.</summary>
    private sealed class Receiver : IUdpWaiter
    {
        private readonly DatagramSocket socket;

        public Receiver(DatagramSocket socket) => this.socket = socket;

        public bool TryComplete(UdpEndpoint endpoint)
        {
            byte[] data = new byte[endpoint.Available];
            Win32Error status = endpoint.TryReceive(data, peek: false, out ReceivedDatagram datagram);
            if (status == Win32Error.WouldBlock)
            {
                return false;
            }

            socket.host.Simulation.Context.Post(_ => socket.Raise(status, data, datagram), null);
            return true;
        }

        public void Abort(Win32Error error)
        {
        }
    }

    // ---------------------------------------------------------------- names

    private async Task BindLocalPartAsync(EndpointPair pair)
    {
        if (!NamesLocalPart(pair) || WithEndpoint(e => e.IsBound))
        {
            return;
        }

        int port = await ResolveLocalPortAsync(pair.LocalServiceName!).ConfigureAwait(false);
        IPAddress address = pair.LocalHostName is null ? IPAddress.IPv6Any : await ResolveLocalAddressAsync(pair.LocalHostName).ConfigureAwait(false);
        BindKernel(address, port, null);
    }

    private Task<int> ResolveLocalPortAsync(string service) =>
        service.Length == 0 ? Task.FromResult(0) : Resolving(token => host.Resolver.ResolveServiceAsync(service, ProtocolType.Udp, null, token));

    private async Task<IPAddress> ResolveLocalAddressAsync(HostName name)
    {
        IPAddress[] candidates = name.Address is { } literal
            ? new[] { literal }
            : await Resolving(token => host.Resolver.GetHostAddressesAsync(name.RawName, AddressFamily.Unspecified, token)).ConfigureAwait(false);
        lock (host.Simulation.Gate)
        {
            foreach (IPAddress a in candidates)
            {
                if (AddressRules.IsAny(a) || host.FindAdapterOwning(a) is not null)
                {
                    return a;
                }
            }
        }

        throw HResults.Socket(Win32Error.AddressNotAvailable);
    }

    /// <summary>
    /// Resolves the remote end: an address literal as is, a domain name through the host's resolver (DNS),
    /// taking the first address of the bound family that the host has a route to, else the first address;
    /// the service through the resolver (services file, then DNS SRV).
    /// </summary>
    private async Task<(IPAddress Address, int Port)> ResolveRemoteAsync(HostName name, string service)
    {
        IPAddress[] addresses = name.Address is { } literal
            ? new[] { literal }
            : await Resolving(token => host.Resolver.GetHostAddressesAsync(name.RawName, AddressFamily.Unspecified, token)).ConfigureAwait(false);
        int port = await Resolving(token => host.Resolver.ResolveServiceAsync(service, ProtocolType.Udp, name.RawName, token)).ConfigureAwait(false);
        return (PickRemote(addresses), port);
    }

    private IPAddress PickRemote(IPAddress[] addresses)
    {
        lock (host.Simulation.Gate)
        {
            IPAddress? bound = endpoint.LocalAddress is { } l && !AddressRules.IsAny(l) ? AddressRules.Unmap(l) : null;
            foreach (IPAddress a in addresses)
            {
                bool familyFits = bound is null || bound.AddressFamily == a.AddressFamily;
                if (familyFits && host.Route(a, bound, endpoint.MulticastInterface).Error == Win32Error.Success)
                {
                    return a;
                }
            }

            return addresses[0];
        }
    }

    /// <summary>Runs a resolver call under the socket's cancellation, turning its failures into WinRT errors.</summary>
    private async Task<T> Resolving<T>(Func<CancellationToken, Task<T>> lookup)
    {
        CancellationToken token = cancel.Token;
        try
        {
            return await lookup(token).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw HResults.Socket(e.SocketErrorCode);
        }
        catch (OperationCanceledException)
        {
            throw HResults.Aborted();
        }
    }

    // ---------------------------------------------------------------- checks and plumbing

    private static void ValidateRemote(HostName? remoteHostName, string? remoteServiceName)
    {
        if (remoteHostName is null)
        {
            throw HResults.NullArgument(nameof(EndpointPair.RemoteHostName));
        }

        if (remoteServiceName is null)
        {
            throw HResults.NullArgument(nameof(EndpointPair.RemoteServiceName));
        }

        if (remoteServiceName.Length == 0)
        {
            throw HResults.BadArgument(nameof(EndpointPair.RemoteServiceName), "The remote service name must not be empty.");
        }
    }

    private static void ValidatePair(EndpointPair pair)
    {
        ValidateRemote(pair.RemoteHostName, pair.RemoteServiceName);
        if (pair.LocalServiceName is null)
        {
            throw HResults.NullArgument(nameof(EndpointPair.LocalServiceName));
        }
    }

    private static bool NamesLocalPart(EndpointPair pair) => pair.LocalHostName is not null || !string.IsNullOrEmpty(pair.LocalServiceName);

    /// <summary>The adapter the socket is tied to: the one it was bound to, or the one owning its bound address.</summary>
    private TopologyAdapter? TiedAdapter()
    {
        if (boundAdapter is not null)
        {
            return boundAdapter;
        }

        return endpoint.LocalAddress is { } l && !AddressRules.IsAny(l) ? host.FindAdapterOwning(AddressRules.Unmap(l)) : null;
    }

    private void RequireHandler(string operation)
    {
        if (messageReceived is null)
        {
            throw HResults.IllegalCall($"{operation}: assign MessageReceived before binding or connecting the DatagramSocket.");
        }
    }

    private void ThrowIfDisposed()
    {
        if (disposed)
        {
            throw HResults.ObjectClosed(nameof(DatagramSocket));
        }
    }

    private static void Throw(Win32Error error)
    {
        if (error != Win32Error.Success)
        {
            throw HResults.Socket(error);
        }
    }

    internal T WithEndpoint<T>(Func<UdpEndpoint, T> read)
    {
        lock (host.Simulation.Gate)
        {
            return read(endpoint);
        }
    }

    private Task Tracked(Task operation)
    {
        pending.Add(operation);
        return Untrack(operation);
    }

    private Task<T> Tracked<T>(Task<T> operation)
    {
        pending.Add(operation);
        return Untrack(operation);
    }

    private async Task Untrack(Task operation)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        finally
        {
            pending.Remove(operation);
        }
    }

    private async Task<T> Untrack<T>(Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        finally
        {
            pending.Remove(operation);
        }
    }
}
