using DatagramSocketChat;
using FsCheck;
using FsCheck.Fluent;
using SimNet.Testing;
using SimNet.Tracing;
using SimNet.Windows.Networking.Sockets;
using Xunit;
using static SimNet.Properties.WinRT.WinRTWorld;

namespace SimNet.Properties.WinRT;

/// <summary>
/// Seed: "The typical order of operations is as follows: Create the DatagramSocket. Use the Control property ...
/// Assign the MessageReceived event ... Call the ConnectAsync method ... Use the OutputStream property ... with a
/// DataWriter object to send messages ... The MessageReceived event handler will be invoked whenever a message from the
/// remote endpoint arrives." Runs the sample program samples/DatagramSocketChat.
/// </summary>
public class TypicalOrderTests
{
    private static readonly Gen<string> Message =
        from n in Gen.Choose(0, 40)
        from cs in Gen.ArrayOf(Gen.Elements("abc xyz-éü日?!".ToCharArray()), n)
        select new string(cs);

    [SimNetProperty(MaxTest = 25)]
    public Property The_typical_order_of_operations_works_end_to_end_in_the_sample()
    {
        return Prop.ForAll(Arb.From(Seed), Arb.From(from n in Gen.Choose(1, 6) from ms in Gen.ArrayOf(Message, n) select ms), (seed, messages) =>
        {
            ChatResult r = ChatDemo.Run(seed, TextWriter.Null, messages);
            Assert.Equal(messages.Select(m => "echo: " + m), r.AliceHeard);
            Assert.Equal(1, r.Sim.Trace.Dropped(DropReason.FilteredByConnect));
            Assert.Equal(SocketErrorStatus.HostNotFound, r.MulticastConnectStatus);
            Assert.Equal(new[] { "bob" }, r.ConnectedBroadcastHeard);
            Assert.Equal(new[] { "bob", "dave" }, r.StreamBroadcastHeard);
            Assert.Equal(r.Sim.Trace.Hash, ChatDemo.Run(seed, TextWriter.Null, messages).Sim.Trace.Hash);
        });
    }
}
