using Virtsim.Fleet.Messages.Wire;
using Virtsim.Fleet.Messages;
using Virtsim.Fleet.Messages.Backend;

namespace Virtsim.Fleet.Tests.Backends;

public class BackendWireTests
{
    private static readonly WireRegistry Registry = FleetWire.CreateRegistry();

    private static T RoundTrip<T>(T message) where T : IWireMessage => (T)Registry.Read(Registry.ToBytes(message));

    [Fact]
    public void Backend_messages_round_trip_field_for_field()
    {
        var request = RoundTrip(new BackendRequest(0x1234_5601, 1, 0xFFFF_0000_0000_0001, 0x3, true, 4097, [1, 2, 3]));
        Assert.Equal((0x1234_5601UL, (ushort)1, 0xFFFF_0000_0000_0001UL, 0x3UL, true, 4097U),
            (request.Tag, request.Queue, request.FeaturesLow, request.FeaturesHigh, request.Writeback, request.WritableLength));
        Assert.Equal([1, 2, 3], request.Readable);
        var reply = RoundTrip(new BackendReply(9, 2, 513, [7, 0]));
        Assert.Equal((9UL, (ushort)2, 513U), (reply.Tag, reply.Queue, reply.Written));
        Assert.Equal([7, 0], reply.Writable);
        Assert.Equal(new CrashBackend("power"), RoundTrip(new CrashBackend("power")));
        Assert.Equal(new BackendRestarted("boom"), RoundTrip(new BackendRestarted("boom")));
    }

    [Fact]
    public void Backend_wire_ids_sit_in_their_own_block()
    {
        ushort[] ids = [FleetWireIds.BackendRequest, FleetWireIds.BackendReply, FleetWireIds.CrashBackend, FleetWireIds.BackendRestarted];
        Assert.All(ids, id => Assert.InRange(id, (ushort)1100, (ushort)1119));
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }
}
