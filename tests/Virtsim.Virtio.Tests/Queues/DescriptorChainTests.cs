using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Queues;

public class DescriptorChainTests
{
    [Fact]
    public void Readable_segments_must_come_before_writable_ones()
    {
        var chain = new DescriptorChain(1);
        Assert.True(chain.TryAdd(new ChainSegment(0, 16, false)));
        Assert.True(chain.TryAdd(new ChainSegment(16, 16, false)));
        Assert.True(chain.TryAdd(new ChainSegment(32, 8, true)));
        Assert.False(chain.TryAdd(new ChainSegment(40, 8, false)));
        Assert.Equal((3, 2, 32UL, 8UL), (chain.SegmentCount, chain.ReadableCount, chain.ReadableLength, chain.WritableLength));
    }

    [Fact]
    public void Reads_and_writes_are_gathered_and_scattered_across_segments()
    {
        var memory = new DeviceMemory(GuestMemory.WithArray(0x1000));
        Assert.True(memory.Memory.TryWrite(0x100, [1, 2, 3]));
        Assert.True(memory.Memory.TryWrite(0x200, [4, 5, 6]));
        var chain = new DescriptorChain();
        chain.TryAdd(new ChainSegment(0x100, 3, false));
        chain.TryAdd(new ChainSegment(0x200, 3, false));
        chain.TryAdd(new ChainSegment(0x300, 2, true));
        chain.TryAdd(new ChainSegment(0x400, 4, true));

        var read = new byte[4];
        Assert.True(chain.TryRead(memory, 1, read));
        Assert.Equal(new byte[] { 2, 3, 4, 5 }, read);
        Assert.False(chain.TryRead(memory, 3, new byte[4])); // only 6 readable bytes

        Assert.True(chain.TryWrite(memory, 1, [9, 8, 7]));
        Assert.True(memory.Memory.TryReadU8(0x301, out var a));
        Assert.True(memory.Memory.TryReadU16(0x400, out var b));
        Assert.Equal((9, 0x0708), (a, b));
        Assert.False(chain.TryWrite(memory, 4, new byte[3])); // only 6 writable bytes
    }

    [Fact]
    public void In_flight_table_pools_chains_and_saves_in_pop_order()
    {
        var table = new InFlightChains(8);
        var chains = Enumerable.Range(0, 4).Select(i =>
        {
            var c = table.Rent();
            c.Id = (ushort)(10 + i);
            c.DescriptorCount = 1;
            c.TryAdd(new ChainSegment((ulong)i * 64, 64, i % 2 == 1));
            table.Add(c);
            return c;
        }).ToList();
        Assert.True(table.Complete(chains[1]));
        Assert.False(table.Complete(chains[1])); // already completed
        Assert.Equal([10, 12, 13], table.Save().Select(b => (int)b.Id));
        Assert.Same(chains[1], table.Rent()); // the completed chain is reused

        var restored = new InFlightChains(8);
        restored.Restore(table.Save());
        Assert.Equal(3, restored.Count);
        Assert.All(restored.Chains, c => Assert.True(restored.Contains(c)));
        Assert.Equal(64UL, restored.Chains.Single(c => c.Id == 13).WritableLength);
    }
}
