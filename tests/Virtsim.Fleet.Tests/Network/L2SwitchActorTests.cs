using Akka.Actor;
using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Network;

namespace Virtsim.Fleet.Tests.Network;

/// <summary>The learning switch alone, under Akka.TestKit (real time), with test probes as ports.</summary>
public class L2SwitchActorTests() : Akka.TestKit.Xunit2.TestKit(FleetReference.Akka)
{
    private static FrameMessage Frame(byte to, byte from, byte id)
    {
        var f = new byte[64];
        f[5] = to;      // destination MAC 00:00:00:00:00:to
        f[11] = from;   // source MAC 00:00:00:00:00:from
        f[14] = id;
        return new FrameMessage(f);
    }

    [Fact]
    public void Unknown_destinations_flood_every_other_port_and_learned_ones_go_to_one_port_only()
    {
        var sw = Sys.ActorOf(Props.Create(() => new L2SwitchActor(TimeSpan.FromMicroseconds(1), 0)), "switch");
        var a = CreateTestProbe("a");
        var b = CreateTestProbe("b");
        var c = CreateTestProbe("c");
        foreach (var port in new[] { a, b, c }) sw.Tell(new L2SwitchActor.AttachPort(port.Ref), TestActor);

        // a (MAC 1) sends to MAC 2, not learned yet: flooded to b and c, never back to a.
        var first = Frame(to: 2, from: 1, id: 1);
        sw.Tell(first, a.Ref);
        Assert.Same(first, b.ExpectMsg<FrameMessage>());
        Assert.Same(first, c.ExpectMsg<FrameMessage>());
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        // b (MAC 2) answers MAC 1, which the switch learned on a's port: only a gets it.
        var reply = Frame(to: 1, from: 2, id: 2);
        sw.Tell(reply, b.Ref);
        Assert.Same(reply, a.ExpectMsg<FrameMessage>());
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        c.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        // And now MAC 2 is known too: a's next frame to it reaches b alone.
        var second = Frame(to: 2, from: 1, id: 3);
        sw.Tell(second, a.Ref);
        Assert.Same(second, b.ExpectMsg<FrameMessage>());
        c.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Frames_arriving_before_every_port_attached_are_switched_once_the_last_one_does()
    {
        var sw = Sys.ActorOf(Props.Create(() => new L2SwitchActor(TimeSpan.FromMicroseconds(1), 2)), "switch");
        var a = CreateTestProbe("a");
        var b = CreateTestProbe("b");
        sw.Tell(new L2SwitchActor.AttachPort(a.Ref), TestActor);
        var early = Frame(to: 2, from: 1, id: 1);
        sw.Tell(early, a.Ref);
        b.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // b is not attached: the frame waits rather than being lost
        sw.Tell(new L2SwitchActor.AttachPort(b.Ref), TestActor);
        Assert.Same(early, b.ExpectMsg<FrameMessage>());
    }

    [Fact]
    public void A_port_attached_with_its_mac_gets_unicast_frames_before_it_sent_anything_and_nobody_else_does()
    {
        var sw = Sys.ActorOf(Props.Create(() => new L2SwitchActor(TimeSpan.FromMicroseconds(1), 0)), "switch");
        var ports = Enumerable.Range(1, 50).Select(i => CreateTestProbe($"p{i}")).ToArray();
        for (int i = 0; i < ports.Length; i++)
            sw.Tell(new L2SwitchActor.AttachPort(ports[i].Ref, [0, 0, 0, 0, 0, (byte)(i + 1)]), TestActor);

        // Every port sends to the next one's MAC; none of the destinations has spoken yet.
        for (int i = 0; i < ports.Length; i++)
            sw.Tell(Frame(to: (byte)((i + 1) % ports.Length + 1), from: (byte)(i + 1), id: (byte)i), ports[i].Ref);

        for (int i = 0; i < ports.Length; i++)
        {
            var got = ports[(i + 1) % ports.Length].ExpectMsg<FrameMessage>();
            Assert.Equal((byte)i, got.Frame[14]);
        }
        foreach (var port in ports) port.ExpectNoMsg(TimeSpan.FromMilliseconds(20)); // no flooded copies anywhere

        // A broadcast still reaches every other port.
        var broadcast = Frame(to: 0xFF, from: 1, id: 99);
        broadcast.Frame.AsSpan(0, 6).Fill(0xFF);
        sw.Tell(broadcast, ports[0].Ref);
        foreach (var port in ports.Skip(1)) Assert.Same(broadcast, port.ExpectMsg<FrameMessage>());
        ports[0].ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }
}
