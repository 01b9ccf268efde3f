using System.Net;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Topology;
using SimNet.Windows.Networking;
using SimNet.Windows.Networking.Connectivity;
using SimNet.Windows.Networking.Sockets;
using SimNet.Windows.Storage.Streams;
using Xunit;
using static SimNet.Properties.WinRT.WinRTWorld;
using HostName = SimNet.Windows.Networking.HostName;
using Win32 = System.Net.Sockets.SocketError;

namespace SimNet.Properties.WinRT;

/// <summary>HostName, SocketError.GetStatus, NetworkInformation/NetworkAdapter, DataWriter/DataReader.</summary>
public class TypeProperties
{
    private static readonly Gen<IPAddress> V4 =
        from a in Gen.Choose(0, 255) from b in Gen.Choose(0, 255) from c in Gen.Choose(0, 255) from d in Gen.Choose(0, 255)
        select new IPAddress(new[] { (byte)a, (byte)b, (byte)c, (byte)d });

    private static readonly Gen<IPAddress> V6 =
        from words in Gen.ArrayOf(Gen.Elements(0, 0, 0, 1, 0xfd00, 0xabcd, 0xffff), 8)
        select new IPAddress(words.SelectMany(w => new[] { (byte)(w >> 8), (byte)w }).ToArray());

    private static readonly Gen<string> Label =
        from n in Gen.Choose(1, 12)
        from cs in Gen.ArrayOf(Gen.Elements("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".ToCharArray()), n)
        select new string(cs);

    private static readonly Gen<string> DomainNames =
        from n in Gen.Choose(1, 4) from labels in Gen.ArrayOf(Label, n) from dot in Gen.Elements(true, false)
        select string.Join('.', labels) + (dot ? "." : string.Empty);

    [SimNetProperty]
    public Property HostName_classifies_IPv4_literals_as_Ipv4_with_dotted_decimal_canonical_name()
    {
        return Prop.ForAll(Arb.From(V4), a =>
        {
            var h = new HostName(a.ToString());
            Assert.Equal(HostNameType.Ipv4, h.Type);
            Assert.Equal(a.ToString(), h.CanonicalName);
            Assert.Equal(a.ToString(), h.RawName);
            Assert.Equal(h.CanonicalName, h.DisplayName);
            Assert.Null(h.IPInformation);
        });
    }

    [SimNetProperty]
    public Property HostName_classifies_IPv6_literals_as_Ipv6_and_equal_addresses_written_differently_are_IsEqual()
    {
        return Prop.ForAll(Arb.From(V6), a =>
        {
            string expanded = string.Join(':', Enumerable.Range(0, 8).Select(i => ((a.GetAddressBytes()[2 * i] << 8) | a.GetAddressBytes()[(2 * i) + 1]).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)));
            var compact = new HostName(a.ToString());
            var upper = new HostName(expanded);
            var bracketed = new HostName("[" + a + "]");
            Assert.Equal(HostNameType.Ipv6, compact.Type);
            Assert.Equal(HostNameType.Ipv6, upper.Type);
            Assert.Equal(a.ToString(), upper.CanonicalName);
            Assert.Equal(expanded, upper.RawName);
            Assert.True(compact.IsEqual(upper));
            Assert.True(bracketed.IsEqual(compact));
            Assert.Equal(0, HostName.Compare(expanded, a.ToString()));
        });
    }

    [SimNetProperty]
    public Property HostName_treats_domain_names_case_insensitively_and_ignores_a_trailing_dot()
    {
        return Prop.ForAll(Arb.From(DomainNames), Arb.From(DomainNames), (x, y) =>
        {
            var a = new HostName(x);
            if (a.Type != HostNameType.DomainName)
            {
                return; // an all-digit name like "1.2.3.4" is an address
            }

            Assert.Equal(x, a.RawName);
            Assert.Equal(x, a.DisplayName);
            Assert.Equal(x.TrimEnd('.').ToLowerInvariant(), a.CanonicalName);
            Assert.True(a.IsEqual(new HostName(x.ToUpperInvariant().TrimEnd('.') + ".")));
            var b = new HostName(y);
            int c = HostName.Compare(x, y);
            Assert.Equal(-c, HostName.Compare(y, x));
            Assert.Equal(c == 0, a.IsEqual(b));
        });
    }

    [Fact]
    public void HostName_rejects_null_with_ArgumentNullException_and_empty_or_malformed_text_with_ArgumentException_E_INVALIDARG()
    {
        Assert.IsType<ArgumentNullException>(Failure.OfSync(() => _ = new HostName(null!)));
        foreach (string bad in new[] { string.Empty, " ", "a b", "a..b", ".", new string('a', 64) + ".com", "1.2.3.256x:", "::g", "host/path", "a@b" })
        {
            Exception e = Failure.OfSync(() => _ = new HostName(bad));
            Assert.IsType<ArgumentException>(e);
            Assert.Equal(Failure.InvalidArgument, e.HResult);
        }
    }

    [Fact]
    public void HostNameType_and_SocketErrorStatus_have_the_Windows_values()
    {
        Assert.Equal(new[] { 0, 1, 2, 3 }, new[] { HostNameType.DomainName, HostNameType.Ipv4, HostNameType.Ipv6, HostNameType.Bluetooth }.Select(t => (int)t));
        Assert.Equal(6, (int)SocketErrorStatus.HostNotFound);
        Assert.Equal(13, (int)SocketErrorStatus.NetworkIsUnreachable);
        Assert.Equal(18, (int)SocketErrorStatus.ConnectionResetByPeer);
        Assert.Equal(30, (int)SocketErrorStatus.CertificateCommonNameIsIncorrect);
        Assert.Equal(Enumerable.Range(0, 31), Enum.GetValues<SocketErrorStatus>().Select(s => (int)s));
    }

    public static readonly TheoryData<int, SocketErrorStatus> Win32Table = new()
    {
        { 995, SocketErrorStatus.OperationAborted },
        { 12152, SocketErrorStatus.HttpInvalidServerResponse },
        { (int)Win32.TimedOut, SocketErrorStatus.ConnectionTimedOut },
        { (int)Win32.AddressFamilyNotSupported, SocketErrorStatus.AddressFamilyNotSupported },
        { (int)Win32.SocketNotSupported, SocketErrorStatus.SocketTypeNotSupported },
        { 11001, SocketErrorStatus.HostNotFound },
        { 11004, SocketErrorStatus.NoDataRecordOfRequestedType },
        { 11002, SocketErrorStatus.NonAuthoritativeHostNotFound },
        { 10109, SocketErrorStatus.ClassTypeNotFound },
        { 10048, SocketErrorStatus.AddressAlreadyInUse },
        { 10049, SocketErrorStatus.CannotAssignRequestedAddress },
        { 10061, SocketErrorStatus.ConnectionRefused },
        { 10051, SocketErrorStatus.NetworkIsUnreachable },
        { 10065, SocketErrorStatus.UnreachableHost },
        { 10050, SocketErrorStatus.NetworkIsDown },
        { 10052, SocketErrorStatus.NetworkDroppedConnectionOnReset },
        { 10053, SocketErrorStatus.SoftwareCausedConnectionAbort },
        { 10054, SocketErrorStatus.ConnectionResetByPeer },
        { 10064, SocketErrorStatus.HostIsDown },
        { 9501, SocketErrorStatus.NoAddressesFound },
        { 10024, SocketErrorStatus.TooManyOpenFiles },
        { 10040, SocketErrorStatus.MessageTooLong },
    };

    [Theory]
    [MemberData(nameof(Win32Table))]
    public void GetStatus_maps_HRESULT_FROM_WIN32_of_a_winsock_error_to_its_status(int win32, SocketErrorStatus status)
    {
        Assert.Equal(status, SocketError.GetStatus(unchecked((int)(0x80070000u | (uint)win32))));
        Assert.Equal(SocketErrorStatus.Unknown, SocketError.GetStatus(win32));
    }

    [SimNetProperty(MaxTest = 300)]
    public Property GetStatus_is_Unknown_for_HRESULTs_that_are_not_socket_errors()
    {
        return Prop.ForAll(Gen.Choose(0, 0xFFFF).ToArbitrary(), code =>
        {
            bool mapped = Win32Table.Any(row => (int)row[0] == code);
            SocketErrorStatus s = SocketError.GetStatus(unchecked((int)(0x80070000u | (uint)code)));
            Assert.Equal(mapped, s != SocketErrorStatus.Unknown);
            Assert.Equal(SocketErrorStatus.Unknown, SocketError.GetStatus(unchecked((int)(0x80040000u | (uint)code))));
        });
    }

    [Fact]
    public void GetStatus_is_Unknown_for_HRESULTs_that_are_not_socket_errors_examples()
    {
        Assert.Equal(SocketErrorStatus.Unknown, SocketError.GetStatus(unchecked((int)0x8000000E)));
        Assert.Equal(SocketErrorStatus.Unknown, SocketError.GetStatus(unchecked((int)0x80070057)));
        Assert.Equal(SocketErrorStatus.Unknown, SocketError.GetStatus(0));
        Assert.Equal(SocketErrorStatus.CertificateExpired, SocketError.GetStatus(unchecked((int)0x800B0101)));
    }

    [SimNetProperty(MaxTest = 40)]
    public Property GetHostNames_lists_the_host_name_then_the_addresses_of_up_adapters_in_order_with_adapter_and_prefix()
    {
        return Prop.ForAll(Arb.From(Seed), Arb.From(Adapters), (seed, specs) =>
        {
            Star star = Star.Build(seed, specs);
            IReadOnlyList<HostName> names = Array.Empty<HostName>();
            star.Me.Run(() =>
            {
                names = NetworkInformation.GetHostNames();
                return Task.CompletedTask;
            });
            Assert.Equal(HostNameType.DomainName, names[0].Type);
            Assert.Equal("me", names[0].CanonicalName);
            var expected = new List<(string, string, int)>();
            for (int i = 0; i < specs.Length; i++)
            {
                if (!specs[i].Up)
                {
                    continue;
                }

                if (specs[i].HasIPv4)
                {
                    expected.Add(($"10.{i}.0.1", $"eth{i}", 24));
                }

                if (specs[i].HasIPv6)
                {
                    expected.Add((IPAddress.Parse($"fd00:{i}::1").ToString(), $"eth{i}", 64));
                }
            }

            Assert.Equal(expected, names.Skip(1).Select(n => (n.CanonicalName, n.IPInformation!.NetworkAdapter.Adapter.Name, (int)n.IPInformation.PrefixLength!.Value)));
        });
    }

    [SimNetProperty(MaxTest = 20)]
    public Property NetworkAdapterId_is_a_version_5_guid_stable_across_runs_and_distinct_per_adapter()
    {
        return Prop.ForAll(Arb.From(Adapters), specs =>
        {
            Guid[] Ids() => Star.Build(1, specs).Me.Adapters.Select(a => SimNet.Windows.Networking.Connectivity.NetworkAdapter.From(a).NetworkAdapterId).ToArray();
            Guid[] ids = Ids();
            Assert.Equal(ids, Ids());
            Assert.Equal(ids.Length, ids.Distinct().Count());
            Assert.All(ids, g => Assert.Equal('5', g.ToString()[14]));
        });
    }

    [Fact]
    public void NetworkAdapterId_is_a_version_5_guid_stable_across_runs_and_distinct_per_adapter_examples()
    {
        var sim = new Simulation(1);
        var host = sim.AddHost("h");
        var wifi = SimNet.Windows.Networking.Connectivity.NetworkAdapter.From(host.AddAdapter("wlan0", sim.AddSegment("air")));
        var wired = SimNet.Windows.Networking.Connectivity.NetworkAdapter.From(host.AddAdapter("eth0", sim.AddSegment("lan")));
        Assert.Equal(71u, wifi.IanaInterfaceType);
        Assert.Equal(6u, wired.IanaInterfaceType);
        Assert.Equal(24u, SimNet.Windows.Networking.Connectivity.NetworkAdapter.From(host.Loopback).IanaInterfaceType);
    }

    /// <summary>One typed value: how to write it and how to read it back and compare.</summary>
    private sealed record Item(string Kind, Action<DataWriter> Write, Func<DataReader, bool> ReadsBack);

    private static readonly Gen<Item> Items = Gen.OneOf(
        Gen.Choose(0, 255).Select(v => new Item("byte", w => w.WriteByte((byte)v), r => r.ReadByte() == v)),
        Gen.Elements(true, false).Select(v => new Item("bool", w => w.WriteBoolean(v), r => r.ReadBoolean() == v)),
        Gen.Choose(short.MinValue, short.MaxValue).Select(v => new Item("i16", w => w.WriteInt16((short)v), r => r.ReadInt16() == v)),
        Gen.Choose(int.MinValue, int.MaxValue).Select(v => new Item("i32", w => w.WriteInt32(v), r => r.ReadInt32() == v)),
        Gen.Choose(int.MinValue, int.MaxValue).Select(v => new Item("u32", w => w.WriteUInt32(unchecked((uint)v)), r => r.ReadUInt32() == unchecked((uint)v))),
        Gen.Choose(int.MinValue, int.MaxValue).Select(v => new Item("i64", w => w.WriteInt64((long)v * 7919), r => r.ReadInt64() == (long)v * 7919)),
        Gen.Choose(0, ushort.MaxValue).Select(v => new Item("u16", w => w.WriteUInt16((ushort)v), r => r.ReadUInt16() == v)),
        Gen.Choose(-1000000, 1000000).Select(v => new Item("double", w => w.WriteDouble(v / 7.0), r => r.ReadDouble() == v / 7.0)),
        Gen.Choose(-1000000, 1000000).Select(v => new Item("single", w => w.WriteSingle(v / 3f), r => r.ReadSingle() == v / 3f)),
        Gen.Choose(0, int.MaxValue).Select(v => new Item("guid", w => w.WriteGuid(new Guid(v, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)), r => r.ReadGuid() == new Guid(v, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11))),
        Gen.Choose(0, int.MaxValue).Select(v => new Item("time", w => w.WriteTimeSpan(TimeSpan.FromTicks(v)), r => r.ReadTimeSpan() == TimeSpan.FromTicks(v))),
        Gen.Choose(0, int.MaxValue).Select(v => new Item("date", w => w.WriteDateTime(VirtualEpoch.AddSeconds(v)), r => r.ReadDateTime() == VirtualEpoch.AddSeconds(v))),
        Gen.Elements("", "hello", "héllo wörld", "日本語", "emoji 🎉").Select(v => new Item("string", w =>
        {
            w.WriteUInt32(w.MeasureString(v));
            w.WriteString(v);
        }, r => r.ReadString(r.UnicodeEncoding == UnicodeEncoding.Utf8 ? r.ReadUInt32() : r.ReadUInt32() / 2) == v)));

    private static readonly DateTimeOffset VirtualEpoch = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [SimNetProperty(MaxTest = 60)]
    public Property DataWriter_then_DataReader_round_trips_typed_values_in_either_byte_order_and_any_encoding_through_a_datagram()
    {
        var orders = Gen.Elements(ByteOrder.BigEndian, ByteOrder.LittleEndian);
        var encodings = Gen.Elements(UnicodeEncoding.Utf8, UnicodeEncoding.Utf16LE, UnicodeEncoding.Utf16BE);
        return Prop.ForAll(Arb.From(Gen.ListOf(Items)), Arb.From(from o in orders from e in encodings select (o, e)), (items, oe) =>
        {
            Star star = Star.Build(1, new[] { new AdapterSpec(true, true, false) });
            bool[] results = Array.Empty<bool>();
            uint leftover = 99;
            star.Me.Run(async () =>
            {
                using var socket = new DatagramSocket();
                socket.MessageReceived += (_, e) =>
                {
                    DataReader r = e.GetDataReader();
                    Assert.Same(r, e.GetDataReader());
                    r.ByteOrder = oe.o;
                    r.UnicodeEncoding = oe.e;
                    results = items.Select(i => i.ReadsBack(r)).ToArray();
                    leftover = r.UnconsumedBufferLength;
                };
                await socket.BindServiceNameAsync("5000");
                var w = new DataWriter(await socket.GetOutputStreamAsync(new HostName("127.0.0.1"), "5000")) { ByteOrder = oe.o, UnicodeEncoding = oe.e };
                foreach (Item i in items)
                {
                    i.Write(w);
                }

                uint unstored = w.UnstoredBufferLength;
                Assert.Equal(unstored, await w.StoreAsync());
                Assert.Equal(0u, w.UnstoredBufferLength);
                await Pause(star.Sim);
            });
            Assert.Equal(items.Select(_ => true), results);
            Assert.Equal(0u, leftover);
        });
    }

    [Fact]
    public void DataWriter_and_DataReader_default_to_big_endian_UTF8_and_reading_past_the_end_fails_with_E_BOUNDS()
    {
        var w = new DataWriter();
        Assert.Equal(ByteOrder.BigEndian, w.ByteOrder);
        Assert.Equal(UnicodeEncoding.Utf8, w.UnicodeEncoding);
        w.WriteUInt16(0x0102);
        Assert.Equal(2u, w.WriteString("hé") - 1);
        byte[] bytes = w.DetachBuffer();
        Assert.Equal(new byte[] { 1, 2, (byte)'h', 0xC3, 0xA9 }, bytes);
        DataReader r = DataReader.FromBuffer(bytes);
        Assert.Equal(5u, r.UnconsumedBufferLength);
        Assert.Equal(0x0102, r.ReadUInt16());
        Exception e = Failure.OfSync(() => r.ReadUInt32());
        Assert.Equal(unchecked((int)0x8000000B), e.HResult);
        Assert.Equal(3u, r.UnconsumedBufferLength);
        Assert.Equal("hé", r.ReadString(3));
    }

    [Fact]
    public void DataReader_LoadAsync_reads_a_datagram_stream_and_StoreAsync_without_a_stream_fails_with_E_ILLEGAL_METHOD_CALL()
    {
        Star star = Star.Build(1, new[] { new AdapterSpec(true, true, false) });
        star.Me.Run(async () =>
        {
            Assert.Equal(Failure.IllegalMethodCall, (await Failure.Of(() => new DataWriter().StoreAsync())).HResult);
            var loaded = new List<string>();
            using var socket = new DatagramSocket();
            socket.MessageReceived += async (_, e) =>
            {
                var r = new DataReader(e.GetDataStream());
                uint n = await r.LoadAsync(1000);
                loaded.Add($"{n}:{r.ReadString(n)}");
            };
            await socket.BindServiceNameAsync("5000");
            await SendAsync(await socket.GetOutputStreamAsync(new HostName("127.0.0.1"), "5000"), "stream me");
            await Pause(star.Sim);
            Assert.Equal(new[] { "9:stream me" }, loaded);
        });
    }
}
