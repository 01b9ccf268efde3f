using System.Net;
using System.Net.Sockets;
using SimNet.Transport;
using SimNet.Tracing;
using Xunit;

namespace SimNet.Properties.World;

public class SmokeTests
{
    [Fact]
    public void A_datagram_crosses_a_segment_and_is_traced_send_then_deliver()
    {
        var sim = new Simulation(seed: 42);
        var lan = sim.AddSegment("lan");
        var a = sim.AddHost("a"); a.AddAdapter("eth0", lan, "10.0.0.1/24");
        var b = sim.AddHost("b"); b.AddAdapter("eth0", lan, "10.0.0.2/24");
        var rx = new UdpEndpoint(b, AddressFamily.InterNetwork);
        Assert.Equal(SocketError.Success, rx.Bind(IPAddress.Any, 5000));
        var tx = new UdpEndpoint(a, AddressFamily.InterNetwork);
        Assert.Equal(SocketError.Success, tx.SendTo("hi"u8, IPAddress.Parse("10.0.0.2"), 5000));
        sim.RunUntilIdle();
        Span<byte> buf = stackalloc byte[10];
        Assert.Equal(SocketError.Success, rx.TryReceive(buf, false, out var d));
        Assert.Equal(2, d.Length);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), d.Source);
        Assert.Equal(tx.LocalPort, d.SourcePort);
        Assert.Equal("eth0", d.Adapter!.Name);
        Assert.Equal(new[] { TraceKind.Send, TraceKind.Deliver }, sim.Trace.Events.Select(e => e.Kind));
    }
}
