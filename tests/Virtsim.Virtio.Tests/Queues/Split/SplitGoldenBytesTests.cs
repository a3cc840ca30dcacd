using System.Buffers.Binary;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Queues.Split;

/// <summary>A known ring laid out by the driver and the device, checked byte for byte at the spec offsets (§2.7).</summary>
public class SplitGoldenBytesTests
{
    private static byte[] Raw(SplitRing ring, ulong address, int length)
    {
        var bytes = new byte[length];
        Assert.True(ring.Memory.TryRead(address, bytes));
        return bytes;
    }

    [Fact]
    public void Driver_and_device_write_every_field_at_its_spec_offset()
    {
        var ring = new SplitRing(4, SplitRing.Features(indirect: true, eventIdx: true), maxIndirect: 4);
        var driver = ring.Driver();
        var device = ring.Device();
        ulong d = ring.Data;
        Assert.Equal(0x3000UL, d); // desc 0x1000, avail 0x1040, used 0x1050, indirect tables 0x2000
        Assert.Equal(0x1040UL, ring.Avail);
        Assert.Equal(0x1050UL, ring.Used);

        Assert.True(driver.TryAdd([new(d, 100, false), new(d + 0x100, 200, true)], false, out ushort first));
        Assert.True(driver.TryAdd([new(d + 0x200, 16, false), new(d + 0x300, 32, true), new(d + 0x400, 48, true)], true, out ushort second));
        Assert.Equal(0, first);
        Assert.Equal(2, second);
        Assert.Equal(0, ring.AvailIdx); // not visible before publish
        device.SetNotifications(true);
        Assert.True(driver.PublishAvailable());
        Assert.False(driver.SetInterrupts(true));

        // Descriptor table: 16 bytes per entry, addr u64 @0, len u32 @8, flags u16 @12, next u16 @14.
        var table = Raw(ring, SplitRing.Desc, 4 * 16);
        Assert.Equal(d, BinaryPrimitives.ReadUInt64LittleEndian(table.AsSpan(0)));
        Assert.Equal(100u, BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(8)));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(12))); // NEXT
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(14)));
        Assert.Equal(d + 0x100, BinaryPrimitives.ReadUInt64LittleEndian(table.AsSpan(16)));
        Assert.Equal(200u, BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(24)));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(28))); // WRITE
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(30)));
        ulong indirectTable = ring.Indirect + 2UL * 4 * 16;
        Assert.Equal(indirectTable, BinaryPrimitives.ReadUInt64LittleEndian(table.AsSpan(32)));
        Assert.Equal(48u, BinaryPrimitives.ReadUInt32LittleEndian(table.AsSpan(40)));
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(44))); // INDIRECT only
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(table.AsSpan(46)));

        // Indirect table: entries chained 0 -> 1 -> 2.
        var indirect = Raw(ring, indirectTable, 48);
        Assert.Equal(
            "0032000000000000" + "10000000" + "0100" + "0100" +
            "0033000000000000" + "20000000" + "0300" + "0200" +
            "0034000000000000" + "30000000" + "0200" + "0000",
            Convert.ToHexString(indirect).ToLowerInvariant());

        // Available ring: flags @0, idx @2, ring[i] @4+2i, used_event @4+2*size.
        var avail = Raw(ring, ring.Avail, 6 + 2 * 4);
        Assert.Equal("0000" + "0200" + "0000" + "0200" + "0000" + "0000" + "0000", Convert.ToHexString(avail).ToLowerInvariant());

        // Device side.
        Assert.Equal(PopResult.Popped, device.TryPop(out var c0));
        Assert.Equal(PopResult.Popped, device.TryPop(out var c2));
        Assert.Equal(PopResult.Empty, device.TryPop(out _)); // re-arms avail_event at 2
        Assert.True(device.TryComplete(c2, 7));
        Assert.True(device.TryComplete(c0, 50));
        Assert.Equal(0, ring.UsedIdx); // entries written, idx not yet
        Assert.True(device.PublishUsed()); // used_event 0 crossed by 0 -> 2

        // Used ring: flags @0, idx @2, ring[i] = {id u32 @4+8i, len u32 @8+8i}, avail_event @4+8*size.
        var used = Raw(ring, ring.Used, 6 + 8 * 4);
        Assert.Equal(
            "0000" + "0200" + "02000000" + "07000000" + "00000000" + "32000000" + "0000000000000000" + "0000000000000000" + "0200",
            Convert.ToHexString(used).ToLowerInvariant());
    }

    [Fact]
    public void Layout_sizes_match_the_spec_table()
    {
        Assert.Equal(16UL * 256, Virtsim.Virtio.Queues.Split.SplitLayout.DescriptorTableBytes(256));
        Assert.Equal(6UL + 2 * 256, Virtsim.Virtio.Queues.Split.SplitLayout.AvailRingBytes(256));
        Assert.Equal(6UL + 8 * 256, Virtsim.Virtio.Queues.Split.SplitLayout.UsedRingBytes(256));
        Assert.Equal(4UL + 2 * 256, Virtsim.Virtio.Queues.Split.SplitLayout.UsedEventOffset(256));
        Assert.Equal(4UL + 8 * 256, Virtsim.Virtio.Queues.Split.SplitLayout.AvailEventOffset(256));
    }
}
