// One runner source, two stacks: these aliases decide which socket types the runner means.
#if REAL
global using Socket = System.Net.Sockets.Socket;
#else
global using Socket = SimNet.Sockets.Socket;
#endif
#if REAL
global using IPPacketInformation = System.Net.Sockets.IPPacketInformation;
#else
global using IPPacketInformation = SimNet.Sockets.IPPacketInformation;
#endif
