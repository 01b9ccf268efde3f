namespace SimNet.Differential;

/// <summary>
/// Draws scenarios from a seed: a topology, two or three sockets on its active hosts, and a run of
/// steps over the address classes, biased so that datagrams meet bound sockets often enough to matter.
/// Scenario <c>i</c> of seed <c>s</c> is the same in any process.
/// </summary>
public static class Generator
{
    private static readonly (AddressClass Class, int Weight)[] BindClasses =
    [
        (AddressClass.Any, 40), (AddressClass.Loopback, 10), (AddressClass.Loopback2, 3), (AddressClass.Own, 25), (AddressClass.Own2, 5),
        (AddressClass.Multicast, 5), (AddressClass.Neighbour, 4), (AddressClass.SubnetBroadcast, 4), (AddressClass.LimitedBroadcast, 2),
    ];

    private static readonly (AddressClass Class, int Weight)[] DestinationClasses =
    [
        (AddressClass.Neighbour, 15), (AddressClass.Own, 12), (AddressClass.Loopback, 12), (AddressClass.SubnetBroadcast, 12),
        (AddressClass.LimitedBroadcast, 10), (AddressClass.Multicast, 12), (AddressClass.LinkLocalMulticast, 4), (AddressClass.Remote, 10),
        (AddressClass.Unroutable, 6), (AddressClass.Own2, 5), (AddressClass.Any, 2), (AddressClass.Loopback2, 2),
    ];

    private static readonly (Op Op, int Weight)[] Ops =
    [
        (Op.Bind, 6), (Op.Connect, 10), (Op.SendTo, 22), (Op.Send, 8), (Op.ReceiveFrom, 14), (Op.Receive, 5), (Op.ReceiveMessageFrom, 5),
        (Op.Available, 3), (Op.Poll, 3), (Op.Broadcast, 7), (Op.MulticastLoopback, 2), (Op.MulticastTtl, 2), (Op.ReuseAddress, 2),
        (Op.Join, 6), (Op.Leave, 2), (Op.Shutdown, 4), (Op.Close, 2),
    ];

    /// <summary>Scenario number <paramref name="index"/> of <paramref name="seed"/>.</summary>
    /// <param name="seed">The campaign's seed.</param>
    /// <param name="index">Which scenario of the campaign.</param>
    /// <param name="v6">Whether IPv6 scenarios may be drawn (then about one in four is IPv6).</param>
    public static Scenario Generate(int seed, int index, bool v6 = false)
    {
        var random = new Random(unchecked((seed * 1_000_003) + index));
        (string topology, HostSpec[] hosts) = Topologies.All[random.Next(Topologies.All.Count)];
        var active = new List<int>();
        for (int i = 0; i < hosts.Length; i++)
        {
            if (hosts[i].Active)
            {
                active.Add(i);
            }
        }

        bool family6 = v6 && random.Next(4) == 0;
        int count = random.Next(2, 4);
        var sockets = new SocketSpec[count];
        for (int i = 0; i < count; i++)
        {
            sockets[i] = new SocketSpec(active[random.Next(active.Count)], family6);
        }

        var steps = new List<Step>();
        for (int i = 0; i < count; i++)
        {
            if (random.Next(10) < 7)
            {
                steps.Add(new Step(Op.Bind, i, Pick(random, BindClasses), PortSlot(random, bind: true)));
            }
        }

        int more = random.Next(3, 10);
        for (int k = 0; k < more; k++)
        {
            steps.Add(Draw(random, count));
        }

        // End with a look at every socket, so what the run delivered is compared.
        steps.Add(new Step(Op.ReceiveFrom, random.Next(count)));
        return new Scenario(topology, sockets, steps.ToArray());
    }

    private static Step Draw(Random random, int count)
    {
        int s = random.Next(count);
        Op op = Pick(random, Ops);
        return op switch
        {
            Op.Bind => new Step(op, s, Pick(random, BindClasses), PortSlot(random, bind: true)),
            Op.Connect or Op.SendTo => new Step(op, s, Pick(random, DestinationClasses), PortSlot(random, bind: false)),
            Op.Broadcast or Op.MulticastLoopback or Op.ReuseAddress => new Step(op, s, Arg: random.Next(10) < 7 ? 1 : 0),
            Op.MulticastTtl => new Step(op, s, Arg: random.Next(3)),
            Op.Join or Op.Leave => new Step(op, s, random.Next(5) == 0 ? AddressClass.LinkLocalMulticast : AddressClass.Multicast, Arg: random.Next(2)),
            Op.Shutdown => new Step(op, s, Arg: random.Next(3)),
            _ => new Step(op, s),
        };
    }

    private static int PortSlot(Random random, bool bind)
    {
        int r = random.Next(20);
        return bind ? (r < 9 ? 1 : r < 14 ? 2 : 0) : (r < 12 ? 1 : 2);
    }

    private static T Pick<T>(Random random, (T Value, int Weight)[] table)
    {
        int total = 0;
        foreach ((_, int w) in table)
        {
            total += w;
        }

        int r = random.Next(total);
        foreach ((T value, int w) in table)
        {
            if (r < w)
            {
                return value;
            }

            r -= w;
        }

        return table[^1].Value;
    }
}
