using System.Net;
using System.Net.Sockets;

namespace SimNet.Conformance;

public static partial class Scenarios
{
    private static UdpClient OwnClient(Lab lab, UdpClient client)
    {
        lab.Own(client.Client);
        return client;
    }

    public static void UdpClient_defaults_and_binding(Lab lab)
    {
        UdpClient plain = OwnClient(lab, new UdpClient());
        lab.Note("plain local", plain.Client.LocalEndPoint);
        lab.Note("plain family", plain.Client.AddressFamily);
        lab.Note("available", plain.Available);
        lab.Note("broadcast", plain.EnableBroadcast);
        lab.Note("ttl", plain.Ttl);
        lab.Note("multicast loopback", plain.MulticastLoopback);
        lab.Note("dontfragment", plain.DontFragment);
        lab.Try("exclusive", () => plain.ExclusiveAddressUse);
        UdpClient port0 = OwnClient(lab, new UdpClient(0));
        lab.Note("port 0 local", port0.Client.LocalEndPoint);
        UdpClient v6 = OwnClient(lab, new UdpClient(AddressFamily.InterNetworkV6));
        lab.Note("v6 family", v6.Client.AddressFamily);
        lab.Note("v6 dualmode", v6.Client.DualMode);
        UdpClient v6port = OwnClient(lab, new UdpClient(0, AddressFamily.InterNetworkV6));
        lab.Note("v6 port 0 local", v6port.Client.LocalEndPoint);
        lab.Try("bad family", () => new UdpClient(AddressFamily.Unix));
        lab.Try("bad port", () => new UdpClient(70000));
    }

    public static async Task UdpClient_send_and_receive(Lab lab)
    {
        UdpClient rx = OwnClient(lab, new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)));
        var rxEndPoint = (IPEndPoint)rx.Client.LocalEndPoint!;
        UdpClient tx = OwnClient(lab, new UdpClient());
        lab.Try("send to endpoint", () => tx.Send(new byte[5], 3, rxEndPoint));
        lab.Try("send by name", () => tx.Send(new byte[4], 4, "localhost", rxEndPoint.Port));
        lab.Note("tx local", tx.Client.LocalEndPoint);
        await Lab.Settle();
        lab.Note("available", rx.Available);
        IPEndPoint? from = null;
        lab.Try("receive", () => rx.Receive(ref from).Length);
        lab.Note("from", from);
        await lab.TryAsync("receiveasync", async () =>
        {
            UdpReceiveResult r = await rx.ReceiveAsync();
            return $"{r.Buffer.Length} from {r.RemoteEndPoint.Address}";
        });
    }

    public static async Task UdpClient_connected_send_rules(Lab lab)
    {
        UdpClient rx = OwnClient(lab, new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)));
        var rxEndPoint = (IPEndPoint)rx.Client.LocalEndPoint!;
        UdpClient other = OwnClient(lab, new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)));
        UdpClient tx = OwnClient(lab, new UdpClient());
        lab.Try("send unconnected without endpoint", () => tx.Send(new byte[2], 2));
        lab.Try("send span unconnected", () => tx.Send(new byte[2].AsSpan()));
        lab.Try("send unconnected null endpoint", () => tx.Send(new byte[2], 2, (IPEndPoint?)null));
        lab.Try("send span unconnected null endpoint", () => tx.Send(new byte[2].AsSpan(), null));
        lab.Try("connect", () => tx.Connect(rxEndPoint));
        lab.Try("send", () => tx.Send(new byte[2], 2));
        lab.Try("send null endpoint", () => tx.Send(new byte[2], 2, (IPEndPoint?)null));
        lab.Try("send to the peer", () => tx.Send(new byte[2], 2, rxEndPoint));
        lab.Try("send elsewhere", () => tx.Send(new byte[2], 2, (IPEndPoint)other.Client.LocalEndPoint!));
        lab.Try("send null buffer", () => tx.Send(null!, 2));
        lab.Try("send too many bytes", () => tx.Send(new byte[2], 3));
        await Lab.Settle();
        lab.Note("rx available", rx.Available);
        lab.Note("other available", other.Available);
    }

    public static async Task UdpClient_after_Close(Lab lab)
    {
        UdpClient rx = OwnClient(lab, new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)));
        Task<UdpReceiveResult> pending = rx.ReceiveAsync();
        lab.Note("pending", pending.IsCompleted);
        rx.Close();
        await lab.TryAsync("pending receive", async () => (await pending).Buffer.Length);
        lab.Try("send", () => rx.Send(new byte[1], 1, new IPEndPoint(IPAddress.Loopback, 9)));
        IPEndPoint? from = null;
        lab.Try("receive", () => rx.Receive(ref from));
        lab.Try("available", () => rx.Available);
        lab.Try("close again", rx.Close);
        lab.Try("dispose", rx.Dispose);
    }

    public static void UdpClient_multicast_groups_on_loopback(Lab lab)
    {
        var group = IPAddress.Parse("239.255.42.98");
        UdpClient c = OwnClient(lab, new UdpClient(0));
        lab.Try("join by local address", () => c.JoinMulticastGroup(group, IPAddress.Loopback));
        lab.Try("join again", () => c.JoinMulticastGroup(group, IPAddress.Loopback));
        lab.Try("join unicast", () => c.JoinMulticastGroup(IPAddress.Parse("10.1.2.3"), IPAddress.Loopback));
        lab.Try("join null", () => c.JoinMulticastGroup(null!, IPAddress.Loopback));
        lab.Try("join by index on v4", () => c.JoinMulticastGroup(1, group));
        lab.Try("join by index null on v4", () => c.JoinMulticastGroup(1, null!));
        lab.Try("drop by index on v4", () => c.DropMulticastGroup(group, 1));
        lab.Try("join by index negative", () => c.JoinMulticastGroup(-1, group));
    }
}
