using FsCheck;
using FsCheck.Fluent;
using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Tests.Memory;

public class GuestMemoryTests
{
    [Fact]
    public void Scalars_are_little_endian_at_their_address()
    {
        var memory = GuestMemory.WithArray(64);
        Assert.True(memory.TryWriteU16(0, 0x1234));
        Assert.True(memory.TryWriteU32(4, 0xAABBCCDD));
        Assert.True(memory.TryWriteU64(8, 0x0102030405060708));
        var raw = new byte[16];
        Assert.True(memory.TryRead(0, raw));
        Assert.Equal(new byte[] { 0x34, 0x12, 0, 0, 0xDD, 0xCC, 0xBB, 0xAA, 8, 7, 6, 5, 4, 3, 2, 1 }, raw);
    }

    [Fact]
    public void Accesses_outside_every_region_fail_and_touch_nothing()
    {
        var memory = new GuestMemory(new ArrayMemoryRegion(0x1000, 0x1000));
        Assert.False(memory.TryWriteU32(0xFFE, 1)); // starts before the region
        Assert.False(memory.TryWriteU32(0x1FFE, 1)); // runs off the end
        Assert.False(memory.TryRead(ulong.MaxValue - 1, new byte[4])); // wraps the address space
        Assert.False(memory.TryReadU64(0x2000, out _));
        Assert.False(memory.IsMapped(0x1800, 0x801));
        Assert.True(memory.IsMapped(0x1800, 0x800));
        var all = new byte[0x1000];
        Assert.True(memory.TryRead(0x1000, all));
        Assert.All(all, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Copies_cross_adjacent_regions_and_sparse_pages()
    {
        var memory = new GuestMemory(new SparseMemoryRegion(0, 0x3000), new ArrayMemoryRegion(0x3000, 0x1000));
        var data = Enumerable.Range(0, 0x2000).Select(i => (byte)(i * 7)).ToArray();
        Assert.True(memory.TryWrite(0x1F80, data)); // sparse page 1 and 2, then the array region
        var back = new byte[data.Length];
        Assert.True(memory.TryRead(0x1F80, back));
        Assert.Equal(data, back);
        Assert.True(memory.TryWriteU32(0x2FFE, 0x11223344)); // straddles the region boundary
        Assert.True(memory.TryReadU32(0x2FFE, out var value));
        Assert.Equal(0x11223344u, value);
    }

    [Fact]
    public void Sparse_region_allocates_only_touched_pages()
    {
        var region = new SparseMemoryRegion(0, 1UL << 30);
        var memory = new GuestMemory(region);
        Assert.True(memory.TryWriteU64(123 * 4096 + 8, 42));
        Assert.True(memory.TryWriteU64((1UL << 30) - 8, 7));
        Assert.Equal(2, region.AllocatedPages);
    }

    [Fact]
    public void Overlapping_regions_are_refused()
    {
        var memory = new GuestMemory(new ArrayMemoryRegion(0x1000, 0x1000));
        Assert.Throws<ArgumentException>(() => memory.AddRegion(new ArrayMemoryRegion(0x1FFF, 16)));
        memory.AddRegion(new ArrayMemoryRegion(0x2000, 16));
        Assert.Equal(2, memory.Regions.Count);
    }

    [Fact]
    public void Removed_region_is_no_longer_reachable()
    {
        var region = new ArrayMemoryRegion(0, 0x1000);
        var memory = new GuestMemory(region);
        Assert.True(memory.TryWriteU16(0, 5)); // caches the region as last hit
        Assert.True(memory.RemoveRegion(region));
        Assert.False(memory.TryReadU16(0, out _));
    }

    [Fact]
    public void A_region_replaced_at_the_same_address_serves_its_own_bytes()
    {
        var old = new ArrayMemoryRegion(0x1000, 0x1000);
        var memory = new GuestMemory(old);
        Assert.True(memory.TryWriteU32(0x1010, 0x11111111)); // the old region is the last hit
        Assert.True(memory.RemoveRegion(old));
        var replacement = new ArrayMemoryRegion(0x1000, 0x800);
        memory.AddRegion(replacement);
        var back = new byte[4];
        Assert.True(memory.TryRead(0x1010, back));
        Assert.Equal(new byte[4], back); // fresh zeroes, not the old region's value
        Assert.False(memory.TryRead(0x17FE, new byte[4])); // the old, longer bounds are gone too
    }

    [Fact]
    public void A_long_sequence_of_accesses_agrees_with_a_byte_model() =>
        Prop.ForAll<int>(seed =>
        {
            // One address space kept across the whole sequence, so the last-hit lookup moves between an array
            // region, a sparse one (spans stop at its pages) and a second array region, and off their ends.
            var memory = new GuestMemory(new ArrayMemoryRegion(0, 0x1800), new SparseMemoryRegion(0x1800, 0x2000), new ArrayMemoryRegion(0x3800, 0x800));
            var model = new byte[0x4000];
            var random = new Random(seed);
            for (int i = 0; i < 300; i++)
            {
                ulong at = (ulong)random.Next(0x4400);
                var bytes = new byte[random.Next(0, 0x1100)];
                bool mapped = bytes.Length == 0 ? at < 0x4000 : at + (ulong)bytes.Length <= 0x4000;
                int op = random.Next(3);
                if (op == 0)
                {
                    random.NextBytes(bytes);
                    if (memory.TryWrite(at, bytes) != mapped) return false;
                    if (mapped) bytes.CopyTo(model, (int)at);
                }
                else if (op == 1)
                {
                    // Zero (the sparse region's no-allocation path) as often as any other value.
                    byte value = random.Next(2) == 0 ? (byte)0 : (byte)random.Next(256);
                    if (memory.TryFill(at, (ulong)bytes.Length, value) != mapped) return false;
                    if (mapped) model.AsSpan((int)at, bytes.Length).Fill(value);
                }
                else
                {
                    if (memory.TryRead(at, bytes) != mapped) return false;
                    if (mapped && !bytes.AsSpan().SequenceEqual(model.AsSpan((int)at, bytes.Length))) return false;
                }
            }
            return true;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Zeroing_a_sparse_region_touches_no_page_and_clears_touched_ones_in_place()
    {
        var region = new SparseMemoryRegion(0x10000, 0x40000);
        var memory = new GuestMemory(region);
        Assert.True(memory.TryFill(0x10000, 0x30000, 0)); // a driver's fresh ring area: 192 KiB
        Assert.Equal(0, region.AllocatedPages);

        Assert.True(memory.TryWrite(0x12FFE, new byte[] { 1, 2, 3, 4 })); // straddles two pages
        var earlier = region.GetSpan(0x3000, 4);
        Assert.Equal(2, region.AllocatedPages);
        Assert.True(memory.TryFill(0x12FFF, 2, 0));
        Assert.Equal(2, region.AllocatedPages);
        Assert.Equal(new byte[] { 0, 4 }, earlier[..2].ToArray()); // the same page, cleared in place
        var back = new byte[4];
        Assert.True(memory.TryRead(0x12FFE, back));
        Assert.Equal(new byte[] { 1, 0, 0, 4 }, back);
        Assert.Throws<ArgumentOutOfRangeException>(() => region.Zero(0x3F000, 0x2000));
    }

    [Fact]
    public void Acquire_and_release_index_accessors_round_trip()
    {
        var memory = GuestMemory.WithSparse(0x2000);
        Assert.True(memory.TryWriteU16Release(0xFFE, 0xBEEF));
        Assert.True(memory.TryReadU16Acquire(0xFFE, out var v));
        Assert.Equal(0xBEEF, v);
        Assert.True(memory.TryReadU16(0xFFE, out var plain));
        Assert.Equal(0xBEEF, plain);
        Assert.False(memory.TryWriteU16Release(0x2000, 1));
    }

    [Fact]
    public void Random_accesses_never_throw_and_agree_with_a_byte_model() =>
        Prop.ForAll<ulong, byte[], bool>((address, payload, write) =>
        {
            // Two regions with a hole between them; addresses spread over and beyond them.
            var memory = new GuestMemory(new SparseMemoryRegion(0, 0x2000), new ArrayMemoryRegion(0x3000, 0x800));
            ulong at = address % 0x4000;
            bool mapped = memory.IsMapped(at, (ulong)payload.Length);
            bool ok = write ? memory.TryWrite(at, payload) : memory.TryRead(at, new byte[payload.Length]);
            if (ok != mapped) return false;
            if (!ok || !write) return true;
            var back = new byte[payload.Length];
            return memory.TryRead(at, back) && back.AsSpan().SequenceEqual(payload);
        }).QuickCheckThrowOnFailure();
}

public unsafe class ExternalMemoryRegionTests
{
    [Fact]
    public void Wraps_memory_owned_elsewhere()
    {
        using var block = new NativeMemoryBlock(8192);
        var memory = new GuestMemory(block.Region(0x4000_0000));
        Assert.True(memory.TryWriteU32(0x4000_0010, 0xCAFEBABE));
        Assert.Equal(0xCAFEBABEu, *(uint*)(block.Address + 0x10));
        Assert.False(memory.TryWriteU32(0x4000_1FFE, 1));
    }

    [Fact]
    public void Prefetch_is_only_a_hint_it_changes_nothing_and_never_faults()
    {
        using var block = new NativeMemoryBlock(8192);
        var external = block.Region(0x4000_0000);
        var sparse = new SparseMemoryRegion(0, 0x10000);
        var memory = new GuestMemory(sparse, external);
        Assert.Equal(block.Address, external.HostAddress);
        *(ulong*)(block.Address + 64) = 0x1122334455667788;
        foreach (ulong address in new ulong[] { 0x4000_0000, 0x4000_0040, 0x4000_1FFF, 0x4000_2000, 0x10, 0xFFF0, 0x2_0000, ulong.MaxValue })
            memory.Prefetch(address);
        Assert.Equal(0, sparse.AllocatedPages); // a hint on sparse memory must not materialise pages
        Assert.Equal(0x1122334455667788UL, *(ulong*)(block.Address + 64));
        var device = new DeviceMemory(memory);
        device.Prefetch(0x4000_0040);
        device.Prefetch(ulong.MaxValue);
        Assert.Equal(0, device.Counters.Reads(MemoryAccessKind.Data) + device.Counters.Reads(MemoryAccessKind.Descriptor));
        Assert.Equal(default, device.LastFault);
    }
}
