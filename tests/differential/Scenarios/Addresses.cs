using System.Net;

namespace SimNet.Differential;

/// <summary>What each address class means for a host of a topology.</summary>
public static class Addresses
{
    /// <summary>The address class <paramref name="c"/> of host <paramref name="host"/> in <paramref name="hosts"/>.</summary>
    public static IPAddress Resolve(HostSpec[] hosts, int host, AddressClass c, bool v6)
    {
        HostSpec me = hosts[host];
        return c switch
        {
            AddressClass.Any => v6 ? IPAddress.IPv6Any : IPAddress.Any,
            AddressClass.Loopback => v6 ? IPAddress.IPv6Loopback : IPAddress.Loopback,
            AddressClass.Loopback2 => v6 ? IPAddress.IPv6Loopback : IPAddress.Parse("127.0.0.2"),
            AddressClass.Own => Address(me.Adapters[0], v6),
            AddressClass.Own2 => Address(me.Adapters[^1], v6),
            AddressClass.Neighbour => Neighbour(hosts, me, v6),
            AddressClass.Remote => Remote(hosts, me, v6),
            AddressClass.SubnetBroadcast => v6 ? IPAddress.Parse("ff02::1") : Broadcast(me.Adapters[0].Cidr),
            AddressClass.LimitedBroadcast => v6 ? IPAddress.Parse("ff02::1") : IPAddress.Broadcast,
            AddressClass.Multicast => IPAddress.Parse(v6 ? "ff05::1:3" : "239.1.2.3"),
            AddressClass.LinkLocalMulticast => IPAddress.Parse(v6 ? "ff02::fb" : "224.0.0.251"),
            AddressClass.Unroutable => IPAddress.Parse(v6 ? "2001:db8:ff::9" : "203.0.113.9"),
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };
    }

    /// <summary>The address of <paramref name="adapter"/> without its prefix length.</summary>
    public static IPAddress Address(AdapterSpec adapter, bool v6) =>
        IPAddress.Parse((v6 ? adapter.Cidr6! : adapter.Cidr).Split('/')[0]);

    private static IPAddress Broadcast(string cidr)
    {
        string[] parts = cidr.Split('/');
        byte[] bytes = IPAddress.Parse(parts[0]).GetAddressBytes();
        int prefix = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        uint value = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        uint mask = prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
        value |= ~mask;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }

    private static IPAddress Neighbour(HostSpec[] hosts, HostSpec me, bool v6)
    {
        string segment = me.Adapters[0].Segment;
        foreach (HostSpec other in hosts)
        {
            if (other == me)
            {
                continue;
            }

            foreach (AdapterSpec a in other.Adapters)
            {
                if (a.Segment == segment)
                {
                    return Address(a, v6);
                }
            }
        }

        return IPAddress.Parse(v6 ? "2001:db8:1::77" : "192.0.2.77");
    }

    private static IPAddress Remote(HostSpec[] hosts, HostSpec me, bool v6)
    {
        foreach (HostSpec other in hosts)
        {
            if (other.Forwards)
            {
                continue;
            }

            foreach (AdapterSpec a in other.Adapters)
            {
                if (Array.TrueForAll(me.Adapters, m => m.Segment != a.Segment))
                {
                    return Address(a, v6);
                }
            }
        }

        return IPAddress.Parse(v6 ? "2001:db8:ff::9" : "203.0.113.9");
    }
}
