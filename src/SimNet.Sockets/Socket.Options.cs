using System.Net;
using System.Net.Sockets;
using SimNet.Topology;


namespace SimNet.Sockets;

public sealed partial class Socket
{
    /// <summary>Linux's <c>net.core.rmem_max</c>/<c>wmem_max</c> on the machine the reference was measured on; requests above are capped.</summary>
    internal const int BufferSizeMax = 4194304;

    /// <summary>Linux's SOCK_MIN_RCVBUF and SOCK_MIN_SNDBUF.</summary>
    internal const int MinReceiveBuffer = 2304;
    internal const int MinSendBuffer = 4608;

    /// <summary>SO_BROADCAST: without it, sending or connecting to a broadcast address fails with AccessDenied.</summary>
    public bool EnableBroadcast
    {
        get => GetIntOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast) != 0;
        set => SetIntOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, value ? 1 : 0);
    }

    /// <summary>Whether no other socket may share the port; reads true unless ReuseAddress is set. Must be set before binding.</summary>
    /// <exception cref="InvalidOperationException">The socket is already bound.</exception>
    public bool ExclusiveAddressUse
    {
        get => GetIntOption(SocketOptionLevel.Socket, SocketOptionName.ExclusiveAddressUse) != 0;
        set
        {
            ThrowIfDisposed();
            if (IsBound)
            {
                throw new InvalidOperationException("The socket must not be bound or connected to set ExclusiveAddressUse.");
            }

            SetIntOption(SocketOptionLevel.Socket, SocketOptionName.ExclusiveAddressUse, value ? 1 : 0);
        }
    }

    /// <summary>SO_RCVBUF. A set value reads back doubled (Linux bookkeeping), at least 2,304 and at most twice rmem_max.</summary>
    public int ReceiveBufferSize
    {
        get => GetIntOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            SetIntOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer, value);
        }
    }

    /// <summary>SO_SNDBUF. A set value reads back doubled, at least 4,608.</summary>
    public int SendBufferSize
    {
        get => GetIntOption(SocketOptionLevel.Socket, SocketOptionName.SendBuffer);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            SetIntOption(SocketOptionLevel.Socket, SocketOptionName.SendBuffer, value);
        }
    }

    /// <summary>The unicast time to live (hop limit for IPv6), 64 by default.</summary>
    public short Ttl
    {
        get => (short)GetIntOption(IpLevel, SocketOptionName.IpTimeToLive);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, (short)255);
            SetIntOption(IpLevel, SocketOptionName.IpTimeToLive, value);
        }
    }

    /// <summary>Don't fragment: a datagram larger than the outgoing adapter's MTU then fails with MessageSize.</summary>
    public bool DontFragment
    {
        get => GetIntOption(IpLevel, SocketOptionName.DontFragment) != 0;
        set => SetIntOption(IpLevel, SocketOptionName.DontFragment, value ? 1 : 0);
    }

    /// <summary>IP_MULTICAST_LOOP: whether this host hears its own multicast (on by default).</summary>
    public bool MulticastLoopback
    {
        get => GetIntOption(IpLevel, SocketOptionName.MulticastLoopback) != 0;
        set => SetIntOption(IpLevel, SocketOptionName.MulticastLoopback, value ? 1 : 0);
    }

    /// <summary>Whether an IPv6 socket also carries IPv4 (as IPv4-mapped addresses).</summary>
    /// <exception cref="NotSupportedException">Setting it on a socket that is not IPv6 (reading it there gives false).</exception>
    public bool DualMode
    {
        get
        {
            if (AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            return GetIntOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only) == 0;
        }

        set
        {
            if (AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new NotSupportedException("This protocol version is not supported: DualMode needs an InterNetworkV6 socket.");
            }

            SetIntOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only, value ? 0 : 1);
        }
    }

    /// <summary>TCP_NODELAY, which a UDP socket does not have: fails with OperationNotSupported, as on Linux.</summary>
    public bool NoDelay
    {
        get => GetIntOption(SocketOptionLevel.Tcp, SocketOptionName.NoDelay) != 0;
        set => SetIntOption(SocketOptionLevel.Tcp, SocketOptionName.NoDelay, value ? 1 : 0);
    }

    private SocketOptionLevel IpLevel => AddressFamily == AddressFamily.InterNetwork ? SocketOptionLevel.IP : SocketOptionLevel.IPv6;

    /// <summary>Sets an integer option.</summary>
    public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, int optionValue) =>
        SetIntOption(optionLevel, optionName, optionValue);

    /// <summary>Sets a boolean option.</summary>
    public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, bool optionValue) =>
        SetIntOption(optionLevel, optionName, optionValue ? 1 : 0);

    /// <summary>Sets an option given as bytes (a 4-byte integer).</summary>
    public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, byte[] optionValue)
    {
        ArgumentNullException.ThrowIfNull(optionValue);
        if (optionValue.Length < 4)
        {
            throw SocketErrors.Exception(SocketError.InvalidArgument, $"{optionName} takes a 4-byte value.");
        }

        SetIntOption(optionLevel, optionName, BitConverter.ToInt32(optionValue));
    }

    /// <summary>Sets a membership option (<see cref="MulticastOption"/>, <see cref="IPv6MulticastOption"/>) or another object-valued option.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="optionValue"/> is null.</exception>
    public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, object optionValue)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(optionValue);
        if (optionName is SocketOptionName.AddMembership or SocketOptionName.DropMembership)
        {
            UdpProtocol udp = protocol.AsDatagram(optionName.ToString());
            bool join = optionName == SocketOptionName.AddMembership;
            (IPAddress group, NetworkAdapter? adapter, SocketError error) = optionValue switch
            {
                MulticastOption m when optionLevel == SocketOptionLevel.IP => ResolveMembership(m.Group, m.InterfaceIndex, m.LocalAddress),
                IPv6MulticastOption m6 when optionLevel == SocketOptionLevel.IPv6 => ResolveMembership(m6.Group, (int)m6.InterfaceIndex, null),
                _ => throw new ArgumentException($"{optionName} at level {optionLevel} takes a {(optionLevel == SocketOptionLevel.IPv6 ? nameof(IPv6MulticastOption) : nameof(MulticastOption))}.", nameof(optionValue)),
            };
            if (error == SocketError.Success)
            {
                error = udp.Membership(join, group, adapter!);
            }

            SocketErrors.ThrowIfFailed(error, $"{optionName} {group} on {Host.Name}/{adapter?.Name ?? "?"}");

            return;
        }

        switch (optionValue)
        {
            case int i:
                SetIntOption(optionLevel, optionName, i);
                return;
            case bool b:
                SetIntOption(optionLevel, optionName, b ? 1 : 0);
                return;
            case LingerOption linger when optionName == SocketOptionName.Linger:
                LingerState = linger;
                return;
            default:
                throw new ArgumentException($"{optionName} does not take a {optionValue.GetType().Name}.", nameof(optionValue));
        }
    }

    /// <summary>Picks the adapter of a membership the way Linux does: the index, else the local address's adapter, else the route to the group.</summary>
    private (IPAddress Group, NetworkAdapter? Adapter, SocketError Error) ResolveMembership(IPAddress group, int interfaceIndex, IPAddress? localAddress)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (!SimNet.Ip.AddressRules.IsMulticast(group))
        {
            return (group, null, SocketError.InvalidArgument);
        }

        return core.Read((Host, group, interfaceIndex, localAddress), static s => FindMembershipAdapter(s.Host, s.group, s.interfaceIndex, s.localAddress));
    }

    private static (IPAddress Group, NetworkAdapter? Adapter, SocketError Error) FindMembershipAdapter(Host host, IPAddress group, int interfaceIndex, IPAddress? localAddress)
    {
        NetworkAdapter? adapter;
        if (interfaceIndex != 0)
        {
            adapter = host.FindAdapter(interfaceIndex);
        }
        else if (localAddress is not null && !localAddress.Equals(IPAddress.Any))
        {
            adapter = host.FindAdapterOwning(localAddress);
        }
        else
        {
            SimNet.Ip.RouteDecision route = host.Route(group, null, 0);
            if (route.Error != SocketError.Success)
            {
                // Linux: no route to the group is ENODEV, which .NET has no name for (measured: SocketError.SocketError).
                return (group, null, SocketError.SocketError);
            }

            adapter = route.Adapter;
        }

        return adapter is null ? (group, null, SocketError.AddressNotAvailable) : (group, adapter, SocketError.Success);
    }

    /// <summary>Reads an option; memberships are not readable, as on the real socket.</summary>
    public object? GetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName)
    {
        if (optionName == SocketOptionName.Type && optionLevel == SocketOptionLevel.Socket)
        {
            ThrowIfDisposed();
            return (int)SocketType;
        }

        if (optionName == SocketOptionName.Linger && optionLevel == SocketOptionLevel.Socket)
        {
            return LingerState;
        }

        return GetIntOption(optionLevel, optionName);
    }

    /// <summary>Reads an option into <paramref name="optionValue"/> (4 bytes).</summary>
    public void GetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, byte[] optionValue)
    {
        ArgumentNullException.ThrowIfNull(optionValue);
        if (optionValue.Length < 4)
        {
            throw SocketErrors.Exception(SocketError.InvalidArgument, $"{optionName} needs a 4-byte buffer.");
        }

        BitConverter.TryWriteBytes(optionValue, GetIntOption(optionLevel, optionName));
    }

    /// <summary>Reads an option as <paramref name="optionLength"/> bytes.</summary>
    public byte[] GetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, int optionLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(optionLength, 4);
        byte[] result = new byte[optionLength];
        GetSocketOption(optionLevel, optionName, result);
        return result;
    }

    private void SetIntOption(SocketOptionLevel level, SocketOptionName name, int value)
    {
        ThrowIfDisposed();
        core.Update((protocol, level, name, value), static s => s.protocol.SetIntOption(s.level, s.name, s.value)); // the protocol's option table, under the core's lock
    }

    private int GetIntOption(SocketOptionLevel level, SocketOptionName name)
    {
        ThrowIfDisposed();
        return core.Read((protocol, level, name), static s => s.protocol.GetIntOption(s.level, s.name));
    }

    /// <summary>What an option the protocol's table does not have fails with.</summary>
    private SocketException UnknownOption(SocketOptionLevel level, SocketOptionName name) =>
        SocketErrors.Exception(SocketError.ProtocolOption, $"{level}/{name} is not an option of a {ProtocolType} socket in SimNet.");

    private void RequireLevel(SocketOptionLevel level) => RequireLevel(level, 0);

    private int RequireLevel(SocketOptionLevel level, int value)
    {
        if (level != IpLevel)
        {
            throw SocketErrors.Exception(SocketError.ProtocolOption, $"{level} options do not apply to an {AddressFamily} socket.");
        }

        return value;
    }

    /// <summary>
    /// IP_MULTICAST_IF for IPv4 takes an address in network byte order, or an interface index
    /// written as 0.0.0.index (<c>IPAddress.HostToNetworkOrder(index)</c>), as on Windows and .NET.
    /// </summary>
    private int MulticastInterfaceFromIPv4Option(int value)
    {
        if (value == 0)
        {
            return 0;
        }

        Span<byte> bytes = stackalloc byte[4];
        BitConverter.TryWriteBytes(bytes, value);
        if (bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0)
        {
            int index = bytes[3];
            return Host.FindAdapter(index) is not null
                ? index
                : throw SocketErrors.Exception(SocketError.AddressNotAvailable, $"{Host.Name} has no interface with index {index}.");
        }

        var address = new IPAddress(bytes);
        return Host.FindAdapterOwning(address)?.Index
            ?? throw SocketErrors.Exception(SocketError.AddressNotAvailable, $"{address} is not an address of {Host.Name}.");
    }

    /// <summary>
    /// SO_LINGER: with (true, 0), Close resets the connection (RST) and discards unsent data; with (true, n),
    /// Close on a blocking socket waits up to n seconds of virtual time for the data and FIN to be acknowledged;
    /// otherwise Close returns at once and the connection closes gracefully in the background.
    /// </summary>
    public LingerOption? LingerState
    {
        get
        {
            ThrowIfDisposed();
            TcpProtocol tcp = protocol.AsStream(nameof(LingerState));
            return core.Read(tcp.Endpoint, static t => new LingerOption(t.LingerEnabled, t.LingerSeconds));
        }

        set
        {
            ThrowIfDisposed();
            ArgumentNullException.ThrowIfNull(value);
            TcpProtocol tcp = protocol.AsStream(nameof(LingerState));
            ArgumentOutOfRangeException.ThrowIfNegative(value.LingerTime);
            core.Update((tcp.Endpoint, value), static s => (s.Endpoint.LingerEnabled, s.Endpoint.LingerSeconds) = (s.value.Enabled, s.value.LingerTime));
        }
    }
}
