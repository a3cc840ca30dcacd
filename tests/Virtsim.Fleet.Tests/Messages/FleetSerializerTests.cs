using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Messages;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Fleet.Messages.Wire;
using Virtsim.Fleet.Persistence;

namespace Virtsim.Fleet.Tests.Messages;

/// <summary>
/// What remoting and the SQL journal use: Akka.NET's serialization, bound by the fleet's reference.conf to
/// <see cref="FleetSerializer"/> and <see cref="FleetEventSerializer"/>.
/// </summary>
public sealed class FleetSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serialization", FleetReference.Akka);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private object RoundTrip(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return _system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
    }

    [Theory]
    [MemberData(nameof(WireRoundTripTests.Samples), MemberType = typeof(WireRoundTripTests))]
    public void Every_protocol_message_goes_through_the_fleet_serializer_and_back(IWireMessage message)
    {
        Assert.IsAssignableFrom<IFleetMessage>(message);
        Assert.IsType<FleetSerializer>(_system.Serialization.FindSerializerFor(message));
        Assert.Equal(message, RoundTrip(message));
    }

    [Fact]
    public void Messages_with_bytes_and_journal_entries_round_trip()
    {
        var write = (DmaWrite)RoundTrip(new DmaWrite(4, 2, 0x2000, [1, 2, 3]));
        Assert.Equal([1, 2, 3], write.Data);
        Assert.Equal([7, 7, 7], ((FrameMessage)RoundTrip(new FrameMessage([7, 7, 7]))).Frame);

        var change = new DiskChange(1, 2, true, 513, [1, 2, 3, 4]);
        Assert.IsType<FleetEventSerializer>(_system.Serialization.FindSerializerFor(change));
        var back = (DiskChange)RoundTrip(change);
        Assert.Equal((change.FeaturesLow, change.FeaturesHigh, change.Writeback, change.WritableLength), (back.FeaturesLow, back.FeaturesHigh, back.Writeback, back.WritableLength));
        Assert.Equal(change.Readable, back.Readable);
        Assert.Same(DiskCacheLost.Instance, RoundTrip(DiskCacheLost.Instance));
    }

    [Fact]
    public void Bytes_from_a_peer_that_are_not_a_fleet_message_are_a_serialization_error_never_anything_else() =>
        Prop.ForAll(Gen.Choose(0, 2000).Select(i => (ushort)i).ToArbitrary(), ArbMap.Default.ArbFor<byte[]>(), (id, bytes) =>
        {
            var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(new DoorbellMessage(1));
            try
            {
                serializer.FromBinary(bytes ?? [], id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (SerializationException)
            {
                // refused with a reason: what remoting logs before dropping the message
            }
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void A_manifest_that_is_no_wire_type_id_is_refused_with_its_name()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerFor(new DoorbellMessage(1));
        var e = Assert.Throws<SerializationException>(() => serializer.FromBinary([], "Doorbell"));
        Assert.Contains("'Doorbell'", e.Message);
    }
}
