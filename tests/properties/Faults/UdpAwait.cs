using System.Net.Sockets;
using SimNet.Transport;

namespace SimNet.Properties.Faults;

/// <summary>An async receive straight on the kernel endpoint, for host software in tests (the Socket API lives elsewhere).</summary>
internal static class UdpAwait
{
    public static Task<ReceivedDatagram> ReceiveAsync(this UdpEndpoint endpoint, byte[] buffer)
    {
        var waiter = new Waiter(buffer);
        lock (endpoint.Host.Simulation.Gate)
        {
            endpoint.AddWaiter(waiter);
        }

        return waiter.Done.Task;
    }

    private sealed class Waiter(byte[] buffer) : IUdpWaiter
    {
        public TaskCompletionSource<ReceivedDatagram> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryComplete(UdpEndpoint endpoint)
        {
            SocketError error = endpoint.TryReceive(buffer, false, out ReceivedDatagram d);
            if (error == SocketError.WouldBlock)
            {
                return false;
            }

            if (error == SocketError.Success)
            {
                Done.TrySetResult(d);
            }
            else
            {
                Done.TrySetException(new SocketException((int)error));
            }

            return true;
        }

        public void Abort(SocketError error) => Done.TrySetException(new SocketException((int)error));
    }
}
