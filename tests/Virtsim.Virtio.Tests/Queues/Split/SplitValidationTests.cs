using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Tests.Queues.Split;

/// <summary>Every malformed ring content the device side detects, one typed error each; the queue stays broken until reset.</summary>
public class SplitValidationTests
{
    private const ushort Next = 1, Write = 2, Indirect = 4;

    private static QueueError PopError(SplitRing ring, DeviceMemory? memory = null)
    {
        var device = ring.Device(memory);
        var result = device.TryPop(out _);
        Assert.Equal(PopResult.Broken, result);
        Assert.True(device.Error.IsError);
        // Sticky: still broken, same reason.
        Assert.Equal(PopResult.Broken, device.TryPop(out _));
        var error = device.Error;
        Assert.Equal(0, device.InFlightCount);
        return error;
    }

    [Fact]
    public void Loop_in_the_descriptor_table()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.WriteDescriptor(0, ring.Data, 8, Next, 1);
        ring.WriteDescriptor(1, ring.Data, 8, Next, 2);
        ring.WriteDescriptor(2, ring.Data, 8, Next, 0);
        ring.Offer(0, 0);
        var e = PopError(ring);
        Assert.Equal(QueueErrorKind.ChainLoop, e.Kind);
        Assert.Equal(0, e.DescriptorIndex);
    }

    [Fact]
    public void Self_loop_in_an_indirect_table()
    {
        var ring = new SplitRing(4, SplitRing.Features(indirect: true));
        ring.WriteDescriptor(0, ring.Indirect, 32, Indirect, 0);
        ring.WriteDescriptor(ring.Indirect, 0, ring.Data, 8, Next, 1);
        ring.WriteDescriptor(ring.Indirect, 1, ring.Data, 8, Next, 1);
        ring.Offer(0, 0);
        Assert.Equal(QueueErrorKind.ChainLoop, PopError(ring).Kind);
    }

    [Fact]
    public void Head_index_out_of_range()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.Offer(0, 4);
        var e = PopError(ring);
        Assert.Equal(QueueErrorKind.DescriptorIndexOutOfRange, e.Kind);
        Assert.Equal(4, e.DescriptorIndex);
    }

    [Fact]
    public void Next_index_out_of_range()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.WriteDescriptor(0, ring.Data, 8, Next, 9);
        ring.Offer(0, 0);
        Assert.Equal(QueueErrorKind.DescriptorIndexOutOfRange, PopError(ring).Kind);
    }

    [Fact]
    public void Indirect_next_index_past_the_table()
    {
        var ring = new SplitRing(4, SplitRing.Features(indirect: true));
        ring.WriteDescriptor(0, ring.Indirect, 16, Indirect, 0);
        ring.WriteDescriptor(ring.Indirect, 0, ring.Data, 8, Next, 1);
        ring.Offer(0, 0);
        Assert.Equal(QueueErrorKind.DescriptorIndexOutOfRange, PopError(ring).Kind);
    }

    [Fact]
    public void Unmapped_buffer()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.WriteDescriptor(0, ring.End - 4, 8, 0, 0); // runs off the end of guest memory
        ring.Offer(0, 0);
        var e = PopError(ring);
        Assert.Equal(QueueErrorKind.BufferOutOfRange, e.Kind);
        Assert.Equal(ring.End - 4, e.Address);
        Assert.Equal(MemoryFaultKind.OutOfRange, e.Fault);
    }

    [Fact]
    public void Buffer_that_wraps_the_address_space()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.WriteDescriptor(0, ulong.MaxValue - 7, 16, Write, 0);
        ring.Offer(0, 0);
        Assert.Equal(QueueErrorKind.BufferOutOfRange, PopError(ring).Kind);
    }

    [Fact]
    public void Unmapped_indirect_table()
    {
        var ring = new SplitRing(4, SplitRing.Features(indirect: true));
        ring.WriteDescriptor(0, 0x7000_0000, 32, Indirect, 0);
        ring.Offer(0, 0);
        Assert.Equal(QueueErrorKind.BufferOutOfRange, PopError(ring).Kind);
    }

    [Fact]
    public void Nested_indirect()
    {
        var ring = new SplitRing(4, SplitRing.Features(indirect: true));
        ring.WriteDescriptor(0, ring.Indirect, 32, Indirect, 0);
        ring.WriteDescriptor(ring.Indirect, 0, ring.Data, 8, Next, 1);
        ring.WriteDescriptor(ring.Indirect, 1, ring.Indirect + 0x100, 16, Indirect, 0);
        ring.Offer(0, 0);
        var e = PopError(ring);
        Assert.Equal(QueueErrorKind.NestedIndirect, e.Kind);
        Assert.Equal(1, e.DescriptorIndex);
    }

    [Fact]
    public void Indirect_with_next()
    {
        var ring = new SplitRing(4, SplitRing.Features(indirect: true));
        ring.WriteDescriptor(0, ring.Indirect, 16, Indirect | Next, 1);
        ring.WriteDescriptor(ring.Indirect, 0, ring.Data, 8, 0, 0);
        ring.Offer(0, 0);
        Assert.Equal(QueueErrorKind.IndirectWithNext, PopError(ring).Kind);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(24u)]
    [InlineData(17u)]
    public void Indirect_table_length_zero_or_not_a_multiple_of_16(uint length)
    {
        var ring = new SplitRing(4, SplitRing.Features(indirect: true));
        ring.WriteDescriptor(0, ring.Indirect, length, Indirect, 0);
        ring.Offer(0, 0);
        Assert.Equal(QueueErrorKind.IndirectTableLengthInvalid, PopError(ring).Kind);
    }

    [Fact]
    public void Indirect_without_the_feature()
    {
        var ring = new SplitRing(4, SplitRing.Features(indirect: false));
        ring.WriteDescriptor(0, ring.Indirect, 16, Indirect, 0);
        ring.WriteDescriptor(ring.Indirect, 0, ring.Data, 8, 0, 0);
        ring.Offer(0, 0);
        Assert.Equal(QueueErrorKind.IndirectNotNegotiated, PopError(ring).Kind);
    }

    [Fact]
    public void Chain_longer_than_the_queue_through_direct_plus_indirect()
    {
        var ring = new SplitRing(4, SplitRing.Features(indirect: true));
        ring.WriteDescriptor(0, ring.Data, 8, Next, 1);
        ring.WriteDescriptor(1, ring.Data, 8, Next, 2);
        ring.WriteDescriptor(2, ring.Indirect, 48, Indirect, 0);
        for (int i = 0; i < 3; i++) ring.WriteDescriptor(ring.Indirect, i, ring.Data, 8, i < 2 ? Next : (ushort)0, (ushort)(i + 1));
        ring.Offer(0, 0);
        Assert.Equal(QueueErrorKind.ChainTooLong, PopError(ring).Kind); // 2 + 3 segments > 4
    }

    [Fact]
    public void Indirect_table_with_more_entries_than_the_queue_size()
    {
        var ring = new SplitRing(4, SplitRing.Features(indirect: true));
        ring.WriteDescriptor(0, ring.Indirect, 5 * 16, Indirect, 0);
        ring.Offer(0, 0);
        Assert.Equal(QueueErrorKind.ChainTooLong, PopError(ring).Kind);
    }

    [Fact]
    public void Readable_after_writable()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.WriteDescriptor(0, ring.Data, 8, Write | Next, 1);
        ring.WriteDescriptor(1, ring.Data + 8, 8, 0, 0);
        ring.Offer(0, 0);
        var e = PopError(ring);
        Assert.Equal(QueueErrorKind.ReadableAfterWritable, e.Kind);
        Assert.Equal(1, e.DescriptorIndex);
    }

    [Fact]
    public void Avail_index_jumping_more_than_the_queue_size()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.SetAvailIdx(5);
        Assert.Equal(QueueErrorKind.AvailIndexOutOfRange, PopError(ring).Kind);
    }

    [Fact]
    public void Avail_index_moving_backwards_is_a_jump()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.SetAvailIdx(0xFFFF);
        Assert.Equal(QueueErrorKind.AvailIndexOutOfRange, PopError(ring).Kind);
    }

    [Fact]
    public void Buffer_id_made_available_twice()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.WriteDescriptor(0, ring.Data, 8, 0, 0);
        ring.Offer(0, 0, 0);
        var device = ring.Device();
        Assert.Equal(PopResult.Popped, device.TryPop(out _));
        Assert.Equal(PopResult.Broken, device.TryPop(out _));
        Assert.Equal(QueueErrorKind.BufferIdInUse, device.Error.Kind);
    }

    [Fact]
    public void Iommu_fault_when_the_domain_lacks_the_buffer_mapping()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var domain = new IommuDomain(1);
        // Identity-map the ring pages only; the data page at ring.Data is missing.
        domain.Map(0, 0, ring.Data, IommuPermissions.ReadWrite);
        ring.WriteDescriptor(0, ring.Data, 8, 0, 0);
        ring.Offer(0, 0);
        var e = PopError(ring, new DeviceMemory(ring.Memory, domain));
        Assert.Equal(QueueErrorKind.IommuFault, e.Kind);
        Assert.Equal(MemoryFaultKind.IommuNoMapping, e.Fault);
    }

    [Fact]
    public void Iommu_permission_fault_on_a_writable_buffer_mapped_read_only()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var domain = new IommuDomain(1);
        domain.Map(0, 0, ring.Data, IommuPermissions.ReadWrite);
        domain.Map(ring.Data, ring.Data, 0x1000, IommuPermissions.Read);
        ring.WriteDescriptor(0, ring.Data, 8, Write, 0);
        ring.Offer(0, 0);
        var e = PopError(ring, new DeviceMemory(ring.Memory, domain));
        Assert.Equal(QueueErrorKind.IommuFault, e.Kind);
        Assert.Equal(MemoryFaultKind.IommuPermission, e.Fault);
    }

    [Fact]
    public void Ring_areas_not_mapped_are_reported_at_construction()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var config = ring.Config with { DeviceArea = ring.End + 0x1000 };
        var device = new Virtsim.Virtio.Queues.Split.SplitDeviceQueue(config, new DeviceMemory(ring.Memory));
        Assert.Equal(QueueErrorKind.RingNotMapped, device.Error.Kind);
        Assert.Equal(PopResult.Broken, device.TryPop(out _));
        Assert.False(device.PublishUsed());
    }

    [Fact]
    public void Misaligned_ring_is_reported_as_not_mapped()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var device = new Virtsim.Virtio.Queues.Split.SplitDeviceQueue(ring.Config with { DeviceArea = ring.Used + 2 }, new DeviceMemory(ring.Memory));
        Assert.Equal(QueueErrorKind.RingNotMapped, device.Error.Kind);
    }

    [Fact]
    public void Ring_behind_an_iommu_without_a_mapping_faults()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        var device = ring.Device(new DeviceMemory(ring.Memory, new IommuDomain(7)));
        Assert.Equal(QueueErrorKind.IommuFault, device.Error.Kind);
    }

    [Fact]
    public void Broken_queue_recovers_after_reset_and_a_fixed_ring()
    {
        var ring = new SplitRing(4, SplitRing.Features());
        ring.WriteDescriptor(0, ring.Data, 8, Next, 0);
        ring.Offer(0, 0);
        var device = ring.Device();
        Assert.Equal(PopResult.Broken, device.TryPop(out _));
        Assert.Equal(QueueErrorKind.ChainLoop, device.Error.Kind);
        Assert.False(device.HasAvailable());
        ring.WriteDescriptor(0, ring.Data, 8, 0, 0);
        Assert.Equal(PopResult.Broken, device.TryPop(out _)); // sticky
        device.Reset();
        Assert.False(device.Error.IsError);
        Assert.Equal(PopResult.Popped, device.TryPop(out var chain));
        Assert.Equal(0, chain.Id);
    }
}
