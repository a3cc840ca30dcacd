using System.Buffers.Binary;
using Virtsim.Fleet.Devices;
using Virtsim.Virtio.Memory;

namespace Virtsim.Fleet.Tests.Placement;

/// <summary>
/// The memory view of a device on another node: what it may read, and the DMA writes it sends back (order, bytes).
/// </summary>
public class RemoteGuestMemoryTests
{
    private const ulong Used = 0x2_0000; // a split ring's device area: flags, idx at +2, elements from +4

    [Fact]
    public void A_field_written_again_is_sent_after_everything_written_before_its_last_write()
    {
        var memory = new RemoteGuestMemory(1 << 20, null);
        memory.Fill(Used, new byte[RemoteGuestMemory.PageSize]);
        var view = memory.Memory.Memory;
        // Two completions in one pass: element 0, index 1, element 1, index 2.
        Assert.True(view.TryWrite(Used + 4, Element(7, 100)));
        Assert.True(view.TryWriteU16(Used + 2, 1));
        Assert.True(view.TryWrite(Used + 12, Element(9, 200)));
        Assert.True(view.TryWriteU16(Used + 2, 2));

        var writes = new List<(ulong Address, byte[] Data)>();
        memory.TakeWrites(writes);
        // The index goes last, with its final value: element 1 is in guest memory before an index that publishes it.
        Assert.Equal([Used + 4, Used + 12, Used + 2], writes.Select(w => w.Address));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(writes[^1].Data));
        Assert.Equal(Element(9, 200), writes[1].Data);
    }

    [Fact]
    public void Bytes_written_with_the_value_they_had_are_not_sent()
    {
        var memory = new RemoteGuestMemory(1 << 20, null);
        var page = new byte[RemoteGuestMemory.PageSize];
        BinaryPrimitives.WriteUInt16LittleEndian(page.AsSpan(2), 5);
        memory.Fill(Used, page);
        Assert.True(memory.Memory.Memory.TryWriteU16(Used + 2, 5));
        var writes = new List<(ulong Address, byte[] Data)>();
        memory.TakeWrites(writes);
        Assert.Empty(writes);
    }

    [Fact]
    public void A_page_the_device_only_wrote_is_not_readable_and_a_read_of_it_is_counted()
    {
        var memory = new RemoteGuestMemory(1 << 20, null);
        var view = memory.Memory.Memory;
        Assert.True(view.TryWriteU16(0x5000, 0xBEEF)); // a status byte, say, in a page never fetched
        Assert.True(view.TryReadU16(0x5002, out ushort value));
        Assert.Equal(0, value);
        Assert.Equal(1, memory.Misses);
        memory.Fill(0x5000, Enumerable.Repeat((byte)0x11, RemoteGuestMemory.PageSize).ToArray());
        Assert.True(view.TryReadU16(0x5002, out value));
        Assert.Equal(0x1111, value);
        Assert.Equal(1, memory.Misses);
    }

    private static byte[] Element(uint id, uint length)
    {
        var e = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(e, id);
        BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(4), length);
        return e;
    }
}
