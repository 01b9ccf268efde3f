// One file per project: SimNet's sockets win over System.Net.Sockets' everywhere in it, so no file can
// silently open a real socket by forgetting an alias.
global using Dns = SimNet.Sockets.Dns;
global using IPPacketInformation = SimNet.Sockets.IPPacketInformation;
global using NetworkStream = SimNet.Sockets.NetworkStream;
global using Socket = SimNet.Sockets.Socket;
global using SocketAsyncEventArgs = SimNet.Sockets.SocketAsyncEventArgs;
global using SocketReceiveMessageFromResult = SimNet.Sockets.SocketReceiveMessageFromResult;
global using TcpClient = SimNet.Sockets.TcpClient;
global using TcpListener = SimNet.Sockets.TcpListener;
global using UdpClient = SimNet.Sockets.UdpClient;
