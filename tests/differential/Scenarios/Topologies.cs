namespace SimNet.Differential;

/// <summary>An adapter of a topology host: the segment it is attached to and its address (<c>a.b.c.d/len</c>).</summary>
public sealed record AdapterSpec(string Segment, string Cidr, string? Cidr6 = null);

/// <summary>A host of a topology: adapters in order, an optional default gateway, and whether it forwards.</summary>
public sealed record HostSpec(string Name, AdapterSpec[] Adapters, string? Gateway = null, bool Forwards = false, bool Active = true, string? Gateway6 = null);

/// <summary>
/// The topologies the differential suite runs on, as data: the real half builds them from network
/// namespaces (a bridge per segment, a veth pair per adapter), the simulated half from SimNet's
/// segments and hosts. Documentation ranges only (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
/// </summary>
public static class Topologies
{
    /// <summary>Every topology, by name, in a fixed order.</summary>
    public static readonly IReadOnlyList<(string Name, HostSpec[] Hosts)> All =
    [
        // One host (lo + eth0) with a default route; its only neighbour is a passive host that is
        // also the (non-forwarding) gateway, so ARP resolves and nothing waits on a missing neighbour.
        ("one-host",
        [
            new HostSpec("a", [new AdapterSpec("lan", "192.0.2.1/24", "2001:db8:1::1/64")], Gateway: "192.0.2.254", Gateway6: "2001:db8:1::fe"),
            new HostSpec("gw", [new AdapterSpec("lan", "192.0.2.254/24", "2001:db8:1::fe/64")], Active: false),
        ]),

        // Two hosts on one segment, no default route.
        ("segment",
        [
            new HostSpec("a", [new AdapterSpec("lan", "192.0.2.1/24", "2001:db8:1::1/64")]),
            new HostSpec("b", [new AdapterSpec("lan", "192.0.2.2/24", "2001:db8:1::2/64")]),
        ]),

        // Two subnets joined by a router with forwarding on; each host's default route is the router.
        ("routed",
        [
            new HostSpec("a", [new AdapterSpec("lan1", "192.0.2.1/24", "2001:db8:1::1/64")], Gateway: "192.0.2.254", Gateway6: "2001:db8:1::fe"),
            new HostSpec("r", [new AdapterSpec("lan1", "192.0.2.254/24", "2001:db8:1::fe/64"), new AdapterSpec("lan2", "198.51.100.254/24", "2001:db8:2::fe/64")], Forwards: true),
            new HostSpec("b", [new AdapterSpec("lan2", "198.51.100.1/24", "2001:db8:2::1/64")], Gateway: "198.51.100.254", Gateway6: "2001:db8:2::fe"),
        ]),

        // A host with two adapters on two segments (no default route), a neighbour on each.
        ("two-adapters",
        [
            new HostSpec("a", [new AdapterSpec("lan1", "192.0.2.1/24", "2001:db8:1::1/64"), new AdapterSpec("lan2", "198.51.100.1/24", "2001:db8:2::1/64")]),
            new HostSpec("b", [new AdapterSpec("lan1", "192.0.2.2/24", "2001:db8:1::2/64")]),
            new HostSpec("c", [new AdapterSpec("lan2", "198.51.100.2/24", "2001:db8:2::2/64")]),
        ]),
    ];

    /// <summary>The hosts of topology <paramref name="name"/>.</summary>
    public static HostSpec[] Hosts(string name)
    {
        foreach ((string n, HostSpec[] hosts) in All)
        {
            if (n == name)
            {
                return hosts;
            }
        }

        throw new ArgumentException($"No topology named {name}.", nameof(name));
    }
}
