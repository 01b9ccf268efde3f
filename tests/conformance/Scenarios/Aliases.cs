// One scenario source, two stacks: these aliases decide which socket types the scenarios mean.
#if REAL
global using IPPacketInformation = System.Net.Sockets.IPPacketInformation;
global using Socket = System.Net.Sockets.Socket;
global using SocketAsyncEventArgs = System.Net.Sockets.SocketAsyncEventArgs;
global using SocketReceiveMessageFromResult = System.Net.Sockets.SocketReceiveMessageFromResult;
global using UdpClient = System.Net.Sockets.UdpClient;
#else
global using IPPacketInformation = SimNet.Sockets.IPPacketInformation;
global using Socket = SimNet.Sockets.Socket;
global using SocketAsyncEventArgs = SimNet.Sockets.SocketAsyncEventArgs;
global using SocketReceiveMessageFromResult = SimNet.Sockets.SocketReceiveMessageFromResult;
global using UdpClient = SimNet.Sockets.UdpClient;
#endif
