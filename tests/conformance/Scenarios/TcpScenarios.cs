using System.Net;
using System.Net.Sockets;

namespace SimNet.Conformance;

public static partial class Scenarios
{
    private static Socket Tcp4(Lab lab) => lab.Own(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));

    /// <summary>A listener on 127.0.0.1, a client connected to it, and the accepted server side.</summary>
    private static (Socket Listener, Socket Client, Socket Server) TcpPair(Lab lab)
    {
        Socket listener = Tcp4(lab);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        Socket client = Tcp4(lab);
        client.Connect(listener.LocalEndPoint!);
        Socket server = lab.Own(listener.Accept());
        return (listener, client, server);
    }

    public static void Tcp_defaults_and_UDP_only_options(Lab lab)
    {
        Socket s = Tcp4(lab);
        lab.Note("nodelay", s.NoDelay);
        lab.Try("linger", () => $"{s.LingerState!.Enabled} {s.LingerState.LingerTime}");
        lab.Note("receive buffer", s.ReceiveBufferSize);
        lab.Note("connected", s.Connected);
        lab.Try("ttl", () => s.Ttl);
        lab.Try("broadcast", () => s.EnableBroadcast);
    }

    public static void Tcp_listen_accept_and_connect_misuse(Lab lab)
    {
        Socket unbound = Tcp4(lab);
        lab.Try("listen without bind", () => unbound.Listen(1));
        lab.Note("local after listen", unbound.LocalEndPoint);
        Socket fresh = Tcp4(lab);
        lab.Try("accept unbound", () => fresh.Accept());
        fresh.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lab.Try("accept not listening", () => fresh.Accept());
        (Socket listener, Socket client, _) = TcpPair(lab);
        lab.Try("connect on listener", () => listener.Connect(client.LocalEndPoint!));
        lab.Try("connect twice", () => client.Connect(listener.LocalEndPoint!));
        lab.Note("client remote", client.RemoteEndPoint);
    }

    public static void Tcp_unconnected_send_receive_shutdown(Lab lab)
    {
        Socket s = Tcp4(lab);
        lab.Try("send", () => s.Send(new byte[1]));
        lab.Try("receive", () => s.Receive(new byte[1]));
        lab.Try("shutdown", () => s.Shutdown(SocketShutdown.Both));
    }

    public static async Task Tcp_peer_FIN_then_receive_and_half_close(Lab lab)
    {
        (_, Socket client, Socket server) = TcpPair(lab);
        client.Send(new byte[5]);
        client.Shutdown(SocketShutdown.Send);
        await Lab.Settle();
        server.ReceiveTimeout = 1000;
        lab.Try("receive data", () => server.Receive(new byte[16]));
        lab.Try("receive after FIN", () => server.Receive(new byte[16]));
        lab.Try("receive after FIN again", () => server.Receive(new byte[16]));
        lab.Try("half-closed side sends", () => server.Send(new byte[3]));
        await Lab.Settle();
        client.ReceiveTimeout = 1000;
        lab.Try("client receives", () => client.Receive(new byte[16]));
    }

    public static async Task Tcp_send_to_a_closed_peer(Lab lab)
    {
        (_, Socket client, Socket server) = TcpPair(lab);
        server.Close();
        await Lab.Settle();
        lab.Try("first send", () => client.Send(new byte[4]));
        await Lab.Settle();
        lab.Try("second send", () => client.Send(new byte[4]));
        lab.Note("connected", client.Connected);
    }

    public static void Tcp_connect_to_a_closed_port(Lab lab)
    {
        Socket s = Tcp4(lab);
        lab.Try("connect", () => s.Connect(new IPEndPoint(IPAddress.Loopback, lab.ClosedPort())));
        lab.Note("connected", s.Connected);
    }

    public static async Task Tcp_linger_zero_close_resets_the_peer(Lab lab)
    {
        (_, Socket client, Socket server) = TcpPair(lab);
        server.LingerState = new LingerOption(true, 0);
        server.Close();
        await Lab.Settle();
        client.ReceiveTimeout = 1000;
        lab.Try("receive", () => client.Receive(new byte[8]));
        lab.Try("receive again", () => client.Receive(new byte[8]));
    }
}
