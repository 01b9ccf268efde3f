namespace SimNet.Properties.Conformance;

/// <summary>
/// Where SimNet deliberately (or for a reason out of its reach) differs from real Linux loopback:
/// per scenario, the real outcome line and the line SimNet gives instead. Each entry is also listed,
/// with its reason, in docs/conformance.md. The real line must still be what Linux says, so a
/// change on either side fails the test.
/// </summary>
internal static class KnownDifferences
{
    private static readonly Dictionary<string, (string Real, string Sim)[]> Entries = new(StringComparer.Ordinal)
    {
        // The real host has a default route (via eth0), so Linux finds a broadcast route and refuses
        // without SO_BROADCAST; the simulated host has only loopback, so there is no route at all.
        ["Limited_broadcast_without_option"] =
        [
            ("connect ! SocketException(AccessDenied)", "connect ! SocketException(NetworkUnreachable)"),
        ],

        // Linux lets an IPv6 socket read and set IPv4-level options (they apply to its IPv4-mapped
        // traffic); SimNet keeps one TTL per socket and refuses the other family's level.
        ["Default_option_values_IPv6"] =
        [
            ("ip-level option on v6 = 64", "ip-level option on v6 ! SocketException(ProtocolOption)"),
        ],

        // SimNet's TCP sockets do not carry IP-level TTL or SO_BROADCAST (the TCP endpoint has no
        // such options yet); Linux reads 64 and 0 on a TCP socket.
        ["Tcp_defaults_and_UDP_only_options"] =
        [
            ("ttl = 64", "ttl ! SocketException(ProtocolOption)"),
            ("broadcast = false", "broadcast ! SocketException(ProtocolOption)"),
        ],

        // The real UdpClient drops its Socket on Dispose, so Available dereferences null; SimNet
        // gives the ObjectDisposedException every other member gives (deliberate).
        ["UdpClient_after_Close"] =
        [
            ("available ! NullReferenceException", "available ! ObjectDisposedException"),
        ],
    };

    /// <summary>The outcome SimNet should give for <paramref name="scenario"/>, given what the real stack gave.</summary>
    public static IReadOnlyList<string> Expect(string scenario, IReadOnlyList<string> real)
    {
        if (!Entries.TryGetValue(scenario, out (string Real, string Sim)[]? differences))
        {
            return real;
        }

        var expected = real.ToList();
        foreach ((string r, string s) in differences)
        {
            int i = expected.IndexOf(r);
            Xunit.Assert.True(i >= 0, $"{scenario}: the documented real outcome '{r}' no longer appears; real now gives:\n{string.Join('\n', real)}");
            expected[i] = s;
        }

        return expected;
    }
}
