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
        (Op.Join, 6), (Op.Leave, 2), (Op.Shutdown, 4), (Op.Close, 2), (Op.MulticastInterface, 4), (Op.ConnectAsync, 3), (Op.SendToAsync, 4),
        (Op.SendAsync, 2),
    ];

    private static readonly (AddressClass Class, int Weight)[] TcpBindClasses =
    [
        (AddressClass.Any, 45), (AddressClass.Loopback, 12), (AddressClass.Own, 30), (AddressClass.Own2, 5), (AddressClass.Neighbour, 3),
        (AddressClass.Multicast, 2), (AddressClass.Loopback2, 3),
    ];

    private static readonly (AddressClass Class, int Weight)[] TcpDestinationClasses =
    [
        (AddressClass.Loopback, 16), (AddressClass.Own, 16), (AddressClass.Neighbour, 18), (AddressClass.Remote, 14), (AddressClass.Own2, 6),
        (AddressClass.Any, 4), (AddressClass.Unroutable, 5), (AddressClass.Loopback2, 3), (AddressClass.Multicast, 2), (AddressClass.SubnetBroadcast, 2),
    ];

    private static readonly (Op Op, int Weight)[] TcpOps =
    [
        (Op.Accept, 10), (Op.AcceptAsync, 4), (Op.Send, 14), (Op.SendAsync, 5), (Op.Receive, 14), (Op.Available, 6), (Op.Poll, 5),
        (Op.Shutdown, 7), (Op.Close, 5), (Op.Connect, 5), (Op.ConnectAsync, 3), (Op.Listen, 2), (Op.Bind, 3), (Op.ReuseAddress, 2),
    ];

    /// <summary>Scenario number <paramref name="index"/> of <paramref name="seed"/>.</summary>
    /// <param name="seed">The campaign's seed.</param>
    /// <param name="index">Which scenario of the campaign.</param>
    /// <param name="v6">Whether IPv6 scenarios may be drawn (then about one in four is IPv6, one in eight dual-mode).</param>
    /// <param name="tcp">Whether TCP scenarios may be drawn (then two in five are TCP).</param>
    public static Scenario Generate(int seed, int index, bool v6 = false, bool tcp = false)
    {
        var random = new Random(unchecked((seed * 1_000_003) + index));
        if (tcp && random.Next(5) < 2)
        {
            return GenerateTcp(random, v6);
        }

        (string topology, SocketSpec[] sockets, _) = DrawSockets(random, v6, tcp: false);
        int count = sockets.Length;

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
        return new Scenario(topology, sockets, AvoidBlockingConnect(steps));
    }

    /// <summary>A topology and two or three sockets on its active hosts, of family 0 IPv4, 1 IPv6 (one in four), 2 dual-mode (one in eight).</summary>
    private static (string Topology, SocketSpec[] Sockets, int Family) DrawSockets(Random random, bool v6, bool tcp)
    {
        (string topology, HostSpec[] hosts) = Topologies.All[random.Next(Topologies.All.Count)];
        var active = new List<int>();
        for (int i = 0; i < hosts.Length; i++)
        {
            if (hosts[i].Active)
            {
                active.Add(i);
            }
        }

        int family = !v6 ? 0 : random.Next(8) switch { 0 or 1 => 1, 2 => 2, _ => 0 };
        var sockets = new SocketSpec[random.Next(2, 4)];
        for (int i = 0; i < sockets.Length; i++)
        {
            sockets[i] = NewSocket(random, active, family, tcp);
        }

        return (topology, sockets, family);
    }

    /// <summary>A socket on an active host: family 0 IPv4, 1 IPv6, 2 dual-mode (each socket dual-mode or IPv4, half and half, the first always dual).</summary>
    private static SocketSpec NewSocket(Random random, List<int> active, int family, bool tcp)
    {
        int host = active[random.Next(active.Count)];
        bool dual = family == 2 && random.Next(2) == 0;
        return new SocketSpec(host, V6: family == 1 || dual, Tcp: tcp, Dual: dual);
    }

    /// <summary>
    /// A TCP scenario: a listener (bound, listening), one or two other sockets that connect to an
    /// address class (the listener's port, or a closed one), then accepts, sends, receives,
    /// shutdowns and closes over every socket and the accepted ones.
    /// </summary>
    private static Scenario GenerateTcp(Random random, bool v6)
    {
        (string topology, SocketSpec[] sockets, int family) = DrawSockets(random, v6, tcp: true);
        int count = sockets.Length;

        if (family == 2)
        {
            sockets[0] = sockets[0] with { V6 = true, Dual = true }; // the listener is dual-mode, the clients dual-mode or IPv4
        }

        var steps = new List<Step>
        {
            new(Op.Bind, 0, Pick(random, TcpBindClasses), random.Next(10) < 8 ? 1 : 0),
        };
        if (random.Next(10) < 8)
        {
            steps.Add(new Step(Op.Listen, 0, Arg: random.Next(4) == 0 ? 1 : 5));
        }

        for (int i = 1; i < count; i++)
        {
            int r = random.Next(10);
            if (r < 2)
            {
                steps.Add(new Step(Op.Bind, i, Pick(random, TcpBindClasses), PortSlot(random, bind: true)));
            }
            else if (r < 3)
            {
                steps.Add(new Step(Op.ReuseAddress, i, Arg: 1));
            }

            Op connect = random.Next(4) == 0 ? Op.ConnectAsync : Op.Connect;
            steps.Add(new Step(connect, i, Pick(random, TcpDestinationClasses), random.Next(10) < 8 ? 1 : 2));
        }

        int more = random.Next(3, 10);
        for (int k = 0; k < more; k++)
        {
            int s = random.Next(count + Scenario.AcceptSlots);
            Op op = Pick(random, TcpOps);
            if (op is Op.Accept or Op.AcceptAsync or Op.Listen)
            {
                s = random.Next(4) == 0 ? random.Next(count) : 0;
            }

            steps.Add(op switch
            {
                Op.Bind => new Step(op, s, Pick(random, TcpBindClasses), PortSlot(random, bind: true)),
                Op.Connect or Op.ConnectAsync => new Step(op, s, Pick(random, TcpDestinationClasses), random.Next(10) < 8 ? 1 : 2),
                Op.ReuseAddress => new Step(op, s, Arg: random.Next(10) < 7 ? 1 : 0),
                Op.Shutdown => new Step(op, s, Arg: random.Next(3)),
                Op.Listen => new Step(op, s, Arg: 5),
                _ => new Step(op, s),
            });
        }

        // End with a look at an accepted socket or a client, so what the run delivered is compared.
        steps.Add(new Step(Op.Receive, random.Next(2) == 0 ? count : 1 + random.Next(count - 1)));
        return new Scenario(topology, sockets, AvoidBlockingConnect(steps));
    }

    private static Step Draw(Random random, int count)
    {
        int s = random.Next(count);
        Op op = Pick(random, Ops);
        return op switch
        {
            Op.Bind => new Step(op, s, Pick(random, BindClasses), PortSlot(random, bind: true)),
            Op.Connect or Op.SendTo or Op.ConnectAsync or Op.SendToAsync => new Step(op, s, Pick(random, DestinationClasses), PortSlot(random, bind: false)),
            Op.MulticastInterface => new Step(op, s, Arg: random.Next(4)),
            Op.Broadcast or Op.MulticastLoopback or Op.ReuseAddress => new Step(op, s, Arg: random.Next(10) < 7 ? 1 : 0),
            Op.MulticastTtl => new Step(op, s, Arg: random.Next(3)),
            Op.Join or Op.Leave => new Step(op, s, random.Next(5) == 0 ? AddressClass.LinkLocalMulticast : AddressClass.Multicast, Arg: random.Next(2)),
            Op.Shutdown => new Step(op, s, Arg: random.Next(3)),
            _ => new Step(op, s),
        };
    }

    /// <summary>
    /// Measured on Linux with .NET 10: after an async operation on a socket, a second connect never
    /// ends (a synchronous Connect of the non-blocking socket that fails at once never returns, a
    /// ConnectAsync stays pending, and so may a ConnectAsync after a Connect). The generator draws a
    /// Poll there instead, and a ConnectAsync only as a socket's first connect.
    /// </summary>
    private static Step[] AvoidBlockingConnect(List<Step> steps)
    {
        var async = new HashSet<int>();
        var connected = new HashSet<int>();
        for (int i = 0; i < steps.Count; i++)
        {
            Step step = steps[i];
            if (step.Op is Op.Connect or Op.ConnectAsync && async.Contains(step.S))
            {
                steps[i] = new Step(Op.Poll, step.S);
                continue;
            }

            if (step.Op == Op.ConnectAsync && connected.Contains(step.S))
            {
                steps[i] = step = step with { Op = Op.Connect }; // measured: a ConnectAsync after a Connect may never return either
            }

            if (step.Op is Op.ConnectAsync or Op.SendAsync or Op.SendToAsync or Op.AcceptAsync)
            {
                async.Add(step.S);
            }

            if (step.Op is Op.Connect or Op.ConnectAsync)
            {
                connected.Add(step.S);
            }
        }

        return steps.ToArray();
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
