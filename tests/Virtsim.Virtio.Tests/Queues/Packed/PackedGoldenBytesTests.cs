using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;

namespace Virtsim.Virtio.Tests.Queues.Packed;

/// <summary>Byte-exact checks of what each side writes to, and reads from, guest memory (spec §2.8.13, §2.8.14).</summary>
public class PackedGoldenBytesTests
{
    private static byte[] Desc(ulong addr, uint len, ushort id, ushort flags) =>
    [
        (byte)addr, (byte)(addr >> 8), (byte)(addr >> 16), (byte)(addr >> 24),
        (byte)(addr >> 32), (byte)(addr >> 40), (byte)(addr >> 48), (byte)(addr >> 56),
        (byte)len, (byte)(len >> 8), (byte)(len >> 16), (byte)(len >> 24),
        (byte)id, (byte)(id >> 8),
        (byte)flags, (byte)(flags >> 8),
    ];

    [Fact]
    public void Driver_writes_descriptors_at_spec_offsets_with_head_flags_last()
    {
        var rig = new PackedRig(4);
        BufferSegment[] chain = [new(0x0123_4567_89AB_CDE0, 0x10, false), new(0x3000, 0x20, true)];
        Assert.True(rig.Driver.TryAdd(chain, false, out ushort id));
        Assert.Equal(0, id);

        // Before publishing: the tail is complete, the head has everything but its flags.
        Assert.Equal(new byte[] { 0xE0, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01, 0x10, 0, 0, 0, 0, 0, 0, 0 }, rig.RawSlot(0));
        Assert.Equal(new byte[] { 0x00, 0x30, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0, 0x82, 0x00 }, rig.RawSlot(1));
        Assert.False(rig.Device.HasAvailable());

        Assert.True(rig.Driver.PublishAvailable()); // zeroed device structure = ENABLE
        Assert.Equal(new byte[] { 0xE0, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01, 0x10, 0, 0, 0, 0, 0, 0x81, 0x00 }, rig.RawSlot(0));
        Assert.Equal(0x8002_0007u, rig.Driver.NotificationData(7)); // ... with next_wrap 1, vq 7
    }

    [Fact]
    public void Ring_wrap_flips_avail_and_used_bits_in_every_descriptor_of_a_chain()
    {
        var rig = new PackedRig(4);
        Assert.True(rig.Driver.TryAdd([new(0x2000, 8, false), new(0x2100, 8, true)], false, out ushort a));
        Assert.True(rig.Driver.TryAdd([new(0x2200, 4, true)], false, out ushort b));
        rig.Driver.PublishAvailable();
        Assert.Equal((0, 1), (a, b));
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var ca));
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var cb));
        Assert.True(rig.Device.TryComplete(ca, 8));
        Assert.True(rig.Device.TryComplete(cb, 0));
        rig.Device.PublishUsed();

        // Used descriptors: addr untouched, len, id, AVAIL|USED = device wrap 1, WRITE when data was written.
        Assert.Equal(Desc(0x2000, 8, 0, 0x8082), rig.RawSlot(0));
        Assert.Equal(Desc(0x2100, 8, 0, 0x0082), rig.RawSlot(1)); // skipped: still the available tail
        Assert.Equal(Desc(0x2200, 0, 1, 0x8080), rig.RawSlot(2));

        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var ua));
        Assert.Equal(new UsedBuffer(0, 8), ua);
        Assert.Equal(TakeResult.Taken, rig.Driver.TryTakeUsed(out var ub));
        Assert.Equal(new UsedBuffer(1, 0), ub);
        Assert.Equal(TakeResult.Empty, rig.Driver.TryTakeUsed(out _));

        // A three-descriptor chain from slot 3 wraps: slot 3 with wrap 1, slots 0 and 1 with wrap 0.
        Assert.True(rig.Driver.TryAdd([new(0x5000, 1, false), new(0x5100, 2, false), new(0x5200, 3, true)], false, out ushort c));
        Assert.Equal(1, c); // the most recently freed id
        Assert.Equal(Desc(0x5100, 2, 1, PackedRig.Avail0 | PackedRig.Next), rig.RawSlot(0));
        Assert.Equal(Desc(0x5200, 3, 1, PackedRig.Avail0 | PackedRig.Write), rig.RawSlot(1));
        Assert.Equal(Desc(0x5000, 1, 1, 0x0000), rig.RawSlot(3).AsSpan(0, 14).ToArray().Concat(new byte[2]).ToArray());
        rig.Driver.PublishAvailable();
        Assert.Equal(Desc(0x5000, 1, 1, PackedRig.Avail1 | PackedRig.Next), rig.RawSlot(3));
        Assert.Equal(new RingPosition(2, false), rig.Driver.PublishedAvail);
        Assert.Equal(0x0002_0000u, rig.Driver.NotificationData(0)); // next_off 2, next_wrap 0

        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var cc));
        Assert.Equal(3, cc.DescriptorCount);
        Assert.True(rig.Device.TryComplete(cc, 3));
        // Used at slot 3 with device wrap 1; the device position then wraps to slot 2 with wrap 0.
        Assert.Equal(Desc(0x5000, 3, 1, 0x8082), rig.RawSlot(3));
        Assert.Equal(new RingPosition(2, false), rig.Device.NextUsed);

        Assert.True(rig.Driver.TryAdd([new(0x6000, 5, true)], false, out ushort d));
        rig.Driver.PublishAvailable();
        Assert.Equal(Desc(0x6000, 5, d, PackedRig.Avail0 | PackedRig.Write), rig.RawSlot(2));
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var cd));
        Assert.True(rig.Device.TryComplete(cd, 5));
        Assert.Equal(Desc(0x6000, 5, d, 0x0002), rig.RawSlot(2)); // used while device wrap is 0: AVAIL=USED=0
    }

    [Fact]
    public void Indirect_table_holds_address_length_and_write_only()
    {
        var rig = new PackedRig(8, indirect: true, maxIndirect: 4);
        Assert.True(rig.Driver.TryAdd([new(0x7000, 0x40, false), new(0x7100, 0x11, true)], true, out ushort id));
        rig.Driver.PublishAvailable();
        ulong table = PackedRig.IndirectArea + id * 4u * 16;
        Assert.Equal(table, rig.Driver.IndirectTableAddress(id));
        Assert.Equal(Desc(table, 32, id, PackedRig.Avail1 | PackedRig.Indirect), rig.RawSlot(0));
        Assert.Equal(Desc(0x7000, 0x40, 0, 0), rig.Raw(table, 16));
        Assert.Equal(Desc(0x7100, 0x11, 0, PackedRig.Write), rig.Raw(table + 16, 16));
        Assert.Equal(1, rig.Driver.InFlightCount);
        Assert.Equal(7, rig.Driver.FreeDescriptors);
    }

    [Fact]
    public void Event_suppression_structures_are_two_le16_words()
    {
        var rig = new PackedRig(8, eventIdx: true);
        rig.Driver.SetInterrupts(false);
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, rig.Raw(PackedRig.DriverArea, 4));
        rig.Driver.SetInterrupts(true); // DESC at used position 0, wrap 1
        Assert.Equal(new byte[] { 0x00, 0x80, 2, 0 }, rig.Raw(PackedRig.DriverArea, 4));

        rig.Device.SetNotifications(false);
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, rig.Raw(PackedRig.DeviceArea, 4));
        for (int i = 0; i < 3; i++) Assert.True(rig.Driver.TryAdd([new(0x9000, 1, false)], false, out _));
        rig.Driver.PublishAvailable();
        for (int i = 0; i < 3; i++) Assert.Equal(PopResult.Popped, rig.Device.TryPop(out _));
        rig.Device.SetNotifications(true); // DESC at avail position 3, wrap 1
        Assert.Equal(new byte[] { 0x03, 0x80, 2, 0 }, rig.Raw(PackedRig.DeviceArea, 4));

        var plain = new PackedRig(8);
        plain.Device.SetNotifications(false);
        plain.Device.SetNotifications(true);
        plain.Driver.SetInterrupts(false);
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, plain.Raw(PackedRig.DeviceArea, 4));
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, plain.Raw(PackedRig.DriverArea, 4));
        plain.Driver.SetInterrupts(true);
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, plain.Raw(PackedRig.DriverArea, 4));
    }

    [Fact]
    public void Device_reads_hand_written_descriptors_and_writes_exact_used_bytes()
    {
        var rig = new PackedRig(5, indirect: true);
        // Slot 0-1: a chain, id only in the last descriptor (as the spec's example driver writes it).
        Assert.True(rig.Memory.TryWrite(PackedRig.Ring, Desc(0x4000, 0x30, 0xFFFF, PackedRig.Avail1 | PackedRig.Next)));
        Assert.True(rig.Memory.TryWrite(PackedRig.Ring + 16, Desc(0x4100, 0x50, 9, PackedRig.Avail1 | PackedRig.Write)));
        // Slot 2: an indirect descriptor whose table has a reserved id and NEXT bit (ignored) and WRITE on the second.
        Assert.True(rig.Memory.TryWrite(0x8000, Desc(0x4200, 0x10, 0x5555, PackedRig.Next)));
        Assert.True(rig.Memory.TryWrite(0x8010, Desc(0x4300, 0x20, 0, PackedRig.Write)));
        Assert.True(rig.Memory.TryWrite(PackedRig.Ring + 32, Desc(0x8000, 32, 3, PackedRig.Avail1 | PackedRig.Indirect | PackedRig.Write)));
        // Slot 3: not yet available (USED bit set as well).
        Assert.True(rig.Memory.TryWrite(PackedRig.Ring + 48, Desc(0x4400, 1, 4, PackedRig.Used1)));

        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var chain));
        Assert.Equal(9, chain.Id);
        Assert.Equal(2, chain.DescriptorCount);
        Assert.False(chain.IsIndirect);
        Assert.Equal([new ChainSegment(0x4000, 0x30, false), new ChainSegment(0x4100, 0x50, true)], chain.Segments.ToArray());

        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var indirect));
        Assert.Equal(3, indirect.Id);
        Assert.Equal(1, indirect.DescriptorCount);
        Assert.True(indirect.IsIndirect);
        Assert.Equal([new ChainSegment(0x4200, 0x10, false), new ChainSegment(0x4300, 0x20, true)], indirect.Segments.ToArray());
        Assert.Equal(PopResult.Empty, rig.Device.TryPop(out _));
        Assert.Equal(new RingPosition(3, true), rig.Device.NextAvail);

        Assert.True(rig.Device.TryComplete(indirect, 0x20)); // completes first: written at slot 0
        Assert.True(rig.Device.TryComplete(chain, 0x50));    // then at slot 1
        Assert.Equal(Desc(0x4000, 0x20, 3, 0x8082), rig.RawSlot(0));
        Assert.Equal(Desc(0x4100, 0x50, 9, 0x8082), rig.RawSlot(1));
        Assert.Equal(Desc(0x8000, 32, 3, PackedRig.Avail1 | PackedRig.Indirect | PackedRig.Write), rig.RawSlot(2));
        Assert.Equal(new RingPosition(3, true), rig.Device.NextUsed);
    }
}
