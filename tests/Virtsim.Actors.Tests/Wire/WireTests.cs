using FsCheck;
using FsCheck.Fluent;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Messages;
using Virtsim.Actors.Tests.Actors;
using Virtsim.Actors.Tests.TestKit;
using Virtsim.Actors.Wire;

namespace Virtsim.Actors.Tests.Wire;

public class WireTests
{
    private readonly WireRegistry _registry = WireRegistry.CreateDefault();

    [Fact]
    public void Terminated_round_trips_to_the_same_actor()
    {
        using var kit = new ActorTestKit(DispatcherKind.Simulation, node: "host-a");
        var echo = kit.ActorOf(Props.Create<EchoActor>(), "vm-3");
        kit.Settle();

        var bytes = _registry.ToBytes(new Terminated(echo));
        var back = Assert.IsType<Terminated>(_registry.Read(bytes, kit.System));

        Assert.Equal(echo, back.Actor);
        Assert.Same(echo, back.Actor); // resolved to the live local ref
    }

    [Fact]
    public void A_ref_to_another_node_round_trips_by_path_and_uid()
    {
        using var here = new ActorTestKit(DispatcherKind.Simulation, node: "here");
        using var there = new ActorTestKit(DispatcherKind.Simulation, node: "there");
        var remote = there.ActorOf(Props.Create<EchoActor>(), "svc");

        var back = Assert.IsType<Terminated>(_registry.Read(_registry.ToBytes(new Terminated(remote)), here.System));

        Assert.Equal(remote.Path, back.Actor.Path);
        Assert.Equal(remote.Uid, back.Actor.Uid);
        Assert.Equal(remote, back.Actor);
    }

    [Fact]
    public void Singletons_and_failures_round_trip()
    {
        Assert.Same(PoisonPill.Instance, _registry.Read(_registry.ToBytes(PoisonPill.Instance), null));
        Assert.Same(Kill.Instance, _registry.Read(_registry.ToBytes(Kill.Instance), null));
        var failure = Assert.IsType<StatusFailure>(_registry.Read(_registry.ToBytes(new StatusFailure("disk gone")), null));
        Assert.Equal("disk gone", failure.Reason);
        Assert.Single(_registry.ToBytes(PoisonPill.Instance)); // the type id alone
    }

    [Fact]
    public void Malformed_bytes_are_rejected_with_a_wire_error()
    {
        using var kit = new ActorTestKit(DispatcherKind.Simulation);
        var good = _registry.ToBytes(new Terminated(kit.System.DeadLetters));

        Assert.Throws<WireFormatException>(() => _registry.Read([], null));
        Assert.Throws<WireFormatException>(() => _registry.Read([99], null));            // unknown id
        Assert.Throws<WireFormatException>(() => _registry.Read(good[..^1], kit.System)); // truncated
        Assert.Throws<WireFormatException>(() => _registry.Read([.. good, 0], kit.System)); // trailing byte
        Assert.Throws<WireFormatException>(() => _registry.Read([1, 5, (byte)'h', (byte)'i', (byte)'/', (byte)'x', 0], kit.System)); // bad path
    }

    [Fact]
    public void Type_ids_are_unique_per_registry()
    {
        Assert.Throws<InvalidOperationException>(() => _registry.Register<Terminated>());
    }

    [Fact]
    public void Any_bytes_either_decode_or_fail_with_a_wire_error()
    {
        using var kit = new ActorTestKit(DispatcherKind.Simulation);
        Prop.ForAll<byte[]>(bytes =>
        {
            try
            {
                _registry.Read(bytes, kit.System);
            }
            catch (WireFormatException)
            {
            }
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Integers_and_strings_round_trip()
    {
        Prop.ForAll<long, ulong, string?>((a, b, s) =>
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            var w = new WireWriter(buffer);
            w.WriteVarInt64(a);
            w.WriteVarUInt64(b);
            w.WriteString(s);
            w.WriteFixed64(b);
            var r = new WireReader(buffer.WrittenSpan, null);
            return r.ReadVarInt64() == a && r.ReadVarUInt64() == b && r.ReadString() == s && r.ReadFixed64() == b && r.Remaining == 0;
        }).QuickCheckThrowOnFailure();
    }
}
