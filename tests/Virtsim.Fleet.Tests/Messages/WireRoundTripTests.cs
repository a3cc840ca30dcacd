using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Messages.Wire;
using Virtsim.Fleet.Messages;
using Virtsim.Fleet.Messages.Blk;
using Virtsim.Fleet.Messages.Config;
using Virtsim.Fleet.Messages.Dma;
using Virtsim.Fleet.Messages.Doorbell;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Fleet.Messages.Interrupt;
using Virtsim.Fleet.Messages.Net;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Tests.Messages;

public class WireRoundTripTests
{
    private static readonly WireRegistry Registry = FleetWire.CreateRegistry();

    private static T RoundTrip<T>(T message) where T : IWireMessage => (T)Registry.Read(Registry.ToBytes(message));

    public static TheoryData<IWireMessage> Samples => new()
    {
        new DoorbellMessage(3),
        new DoorbellMessage(1, 0x0042_0001, true),
        new InterruptMessage(InterruptKind.Msix, 2, 2),
        InterruptMessage.Line,
        new UsedBufferNotification(7),
        new DmaRead(9, 1, 0xFFFF_FFFF_0000, 4096),
        new DmaBatch(1, 0, 3, 4, 5, 6, 7, 8, 4096, 12345),
        new DmaFaulted(5, MemoryFaultKind.IommuPermission, 0x1000, true),
        new QueryDirtyLog(3, true),
        new DirtyLogReport(3, -1),
        new DirtyLogReport(3, 12345),
        new ConfigRequest(0x101, ConfigOperation.SetupQueue, 1, 256, 2, 0x10000, 0x20000, 0x30000),
        new ConfigReply(0x101, ConfigOperation.ReadStatus, true, 0x0F),
        new ConfigReply(7, ConfigOperation.SetupQueue, false, Reason: "queue 1: size 512 exceeds the maximum 256"),
        new ConfigReply(0x102, ConfigOperation.ReadStatus, false, Reason: "device crashed before answering", Aborted: true),
        new InjectFault(FaultKind.CorruptNextDescriptor, 1),
        new QueueFault(0, "BufferOutOfRange at descriptor 3"),
        new InjectIommuFault(1, 0x100_0000, 4096, 300),
        new IommuMappingChange(false, 0x100_0000, 4096),
        new IommuMappingChange(true, 0x100_0000, 8192),
        new InjectCrash("vm-1/blk0", CrashTarget.Device, "scenario fault at 0 us"),
        new InjectCrash("vm-2/net0", CrashTarget.Backend, ""),
        new StoreFailed("run/x/backend/h/vm/blk0", "persist failed at sequence nr 12: database is locked"),
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Records_without_arrays_round_trip_to_equal_values(IWireMessage message) =>
        Assert.Equal(message, Registry.Read(Registry.ToBytes(message)));

    [Fact]
    public void Messages_with_payloads_round_trip_byte_for_byte()
    {
        var write = RoundTrip(new DmaWrite(4, 2, 0x2000, [1, 2, 3]));
        Assert.Equal((4UL, 2U, 0x2000UL), (write.Tag, write.Pasid, write.Address));
        Assert.Equal([1, 2, 3], write.Data);
        Assert.Equal([9, 8], RoundTrip(new DmaCompleted(4, [9, 8])).Data);
        Assert.Equal([0xFF, 0x00], RoundTrip(new FrameMessage([0xFF, 0x00])).Frame);
        var lost = RoundTrip(new Workloads.NetWorkloadActor.FramesLost([[1, 2], [], [3]], ByFault: true));
        Assert.True(lost.ByFault);
        Assert.Equal(new byte[][] { [1, 2], [], [3] }, lost.Frames);
        var request = RoundTrip(new BlkRequest(77, 1, 4096, new byte[512]));
        Assert.Equal((77UL, 1U, 4096UL, 512), (request.Id, request.Type, request.Sector, request.Data.Length));
        var completion = RoundTrip(new BlkCompletion(77, 0, [5]));
        Assert.Equal((77UL, (byte)0), (completion.Id, completion.Status));
        Assert.Equal([5], completion.Data);
    }

    [Fact]
    public void Doorbells_round_trip_for_any_queue_and_notification_value() =>
        Prop.ForAll<ushort, uint, bool>((queue, data, has) =>
        {
            var message = new DoorbellMessage(queue, has ? data : 0, has);
            return RoundTrip(message) == message;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Config_requests_round_trip_for_any_operands() =>
        Prop.ForAll<uint, ushort, ulong>((tag, index, a) =>
        {
            var message = new ConfigRequest(tag, (ConfigOperation)(index % 10), index, (ushort)(index ^ 0x55), (ushort)(index + 1), a, ~a, a >> 7);
            return RoundTrip(message) == message;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Dma_batches_round_trip_for_any_counts() =>
        Prop.ForAll<uint, uint, long>((a, b, latency) =>
        {
            var message = new DmaBatch(a, (ushort)b, a, b, a ^ b, a / 2, b / 3, 1, (ulong)a * b, latency);
            return RoundTrip(message) == message;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Truncated_or_garbled_bytes_raise_wire_format_errors_only()
    {
        foreach (var row in Samples)
        {
            var message = row;
        {
            var bytes = Registry.ToBytes(message);
            for (int cut = 0; cut < bytes.Length; cut++)
                Assert.Throws<WireFormatException>(() => Registry.Read(bytes.AsSpan(0, cut)));
        }
        }
        // Out-of-range enum and field values are refused, not truncated.
        var bad = Registry.ToBytes(new InterruptMessage(InterruptKind.Msix, 1));
        bad[^3] = 9; // kind byte
        Assert.Throws<WireFormatException>(() => Registry.Read(bad));
    }

    [Fact]
    public void Lost_frames_refuse_a_count_beyond_their_limit_and_truncated_bytes()
    {
        var lost = Registry.ToBytes(new Workloads.NetWorkloadActor.FramesLost([[1, 2, 3], [4]]));
        for (int cut = 0; cut < lost.Length; cut++)
            Assert.Throws<WireFormatException>(() => Registry.Read(lost.AsSpan(0, cut)));
        // The type id, ByFault, then a count of 2^20 frames (LEB128) and nothing more.
        var header = Registry.ToBytes(new Workloads.NetWorkloadActor.FramesLost([]));
        byte[] huge = [.. header.AsSpan(0, header.Length - 1), 0x80, 0x80, 0x40];
        var e = Assert.Throws<WireFormatException>(() => Registry.Read(huge));
        Assert.Contains("more than", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Doorbells_are_small_on_the_wire() =>
        Assert.True(Registry.ToBytes(new DoorbellMessage(1, 0x0042_0001, true)).Length <= 10);
}
