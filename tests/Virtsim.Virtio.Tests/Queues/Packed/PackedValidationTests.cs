using Virtsim.Virtio.Memory;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;
using static Virtsim.Virtio.Tests.Queues.Packed.PackedRig;

namespace Virtsim.Virtio.Tests.Queues.Packed;

/// <summary>Every malformed ring the device side can meet maps to a typed, sticky error (and the driver side's).</summary>
public class PackedValidationTests
{
    private static QueueError PopError(PackedRig rig)
    {
        Assert.Equal(PopResult.Broken, rig.Device.TryPop(out _));
        var error = rig.Device.Error;
        Assert.True(error.IsError);
        Assert.Equal(PopResult.Broken, rig.Device.TryPop(out _)); // sticky
        Assert.Equal(error, rig.Device.Error);
        Assert.False(rig.Device.HasAvailable());
        return error;
    }

    [Fact]
    public void Chain_longer_than_the_queue_is_rejected()
    {
        var rig = new PackedRig(4);
        for (int i = 0; i < 4; i++) rig.WriteSlot(i, DataArea, 8, 0, Avail1 | Next);
        Assert.Equal(QueueErrorKind.ChainTooLong, PopError(rig).Kind);
    }

    [Fact]
    public void Chain_that_continues_into_a_descriptor_not_made_available_is_rejected()
    {
        var rig = new PackedRig(4);
        rig.WriteSlot(0, DataArea, 8, 0, Avail1 | Next);
        rig.WriteSlot(1, DataArea, 8, 0, Used1); // a used descriptor, not an available one
        var error = PopError(rig);
        Assert.Equal(QueueErrorKind.DescriptorNotAvailable, error.Kind);
        Assert.Equal(1, error.DescriptorIndex);

        // Crossing the ring end, the next descriptor must carry the flipped wrap counter.
        var wrap = new PackedRig(2);
        wrap.WriteSlot(0, DataArea, 8, 0, Avail1);
        Assert.Equal(PopResult.Popped, wrap.Device.TryPop(out _));
        wrap.WriteSlot(1, DataArea, 8, 1, Avail1 | Next);
        wrap.WriteSlot(0, DataArea, 8, 1, Avail1); // wrong: should be Avail0 in the second lap
        Assert.Equal(QueueErrorKind.DescriptorNotAvailable, PopError(wrap).Kind);
    }

    [Theory]
    [InlineData(0x3FFF_F000UL, 0x2000u)]                 // past the end of guest memory
    [InlineData(0xFFFF_FFFF_FFFF_FFF0UL, 0x20u)]          // wraps the address space
    public void Unbacked_or_wrapping_buffers_are_rejected(ulong address, uint length)
    {
        var rig = new PackedRig(4);
        rig.WriteSlot(0, address, length, 0, Avail1);
        var error = PopError(rig);
        Assert.Equal(QueueErrorKind.BufferOutOfRange, error.Kind);
        Assert.Equal(address, error.Address);
    }

    [Fact]
    public void Zero_length_element_is_never_accessed_and_passes()
    {
        var rig = new PackedRig(4);
        rig.WriteSlot(0, 0xDEAD_0000_0000, 0, 3, Avail1 | Write);
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var chain));
        Assert.Equal(3, chain.Id);
    }

    [Fact]
    public void Readable_after_writable_is_rejected_in_the_ring_and_in_a_table()
    {
        var rig = new PackedRig(4);
        rig.WriteSlot(0, DataArea, 8, 0, Avail1 | Next | Write);
        rig.WriteSlot(1, DataArea + 8, 8, 0, Avail1);
        Assert.Equal(QueueErrorKind.ReadableAfterWritable, PopError(rig).Kind);

        var table = new PackedRig(4, indirect: true);
        table.WriteDescriptor(0x8000, DataArea, 8, 0, Write);
        table.WriteDescriptor(0x8010, DataArea + 8, 8, 0, 0);
        table.WriteSlot(0, 0x8000, 32, 0, Avail1 | Indirect);
        Assert.Equal(QueueErrorKind.ReadableAfterWritable, PopError(table).Kind);
    }

    [Fact]
    public void Buffer_id_already_in_flight_is_rejected()
    {
        var rig = new PackedRig(4);
        rig.WriteSlot(0, DataArea, 8, 7, Avail1);
        rig.WriteSlot(1, DataArea, 8, 7, Avail1);
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out _));
        var error = PopError(rig);
        Assert.Equal(QueueErrorKind.BufferIdInUse, error.Kind);
        Assert.Equal(1, error.DescriptorIndex);
    }

    [Fact]
    public void More_than_a_ring_of_outstanding_descriptors_is_rejected()
    {
        var rig = new PackedRig(2);
        rig.WriteSlot(0, DataArea, 8, 0, Avail1);
        rig.WriteSlot(1, DataArea, 8, 1, Avail1);
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out _));
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out _));
        rig.WriteSlot(0, DataArea, 8, 2, Avail0); // rewritten while the device still holds it
        Assert.Equal(QueueErrorKind.AvailIndexOutOfRange, PopError(rig).Kind);
    }

    [Fact]
    public void Buffer_id_can_be_reused_once_completed()
    {
        var rig = new PackedRig(4);
        rig.WriteSlot(0, DataArea, 8, 7, Avail1);
        rig.WriteSlot(1, DataArea, 8, 7, Avail1);
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var first));
        Assert.True(rig.Device.TryComplete(first, 0));
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var second));
        Assert.Equal(7, second.Id);
    }

    [Fact]
    public void Indirect_errors_are_typed()
    {
        var noFeature = new PackedRig(4);
        noFeature.WriteDescriptor(0x8000, DataArea, 8, 0, 0);
        noFeature.WriteSlot(0, 0x8000, 16, 0, Avail1 | Indirect);
        Assert.Equal(QueueErrorKind.IndirectNotNegotiated, PopError(noFeature).Kind);

        var withNext = new PackedRig(4, indirect: true);
        withNext.WriteDescriptor(0x8000, DataArea, 8, 0, 0);
        withNext.WriteSlot(0, 0x8000, 16, 0, Avail1 | Indirect | Next);
        withNext.WriteSlot(1, DataArea, 8, 0, Avail1);
        Assert.Equal(QueueErrorKind.IndirectWithNext, PopError(withNext).Kind);

        var inList = new PackedRig(4, indirect: true); // an indirect descriptor at the end of a NEXT list
        inList.WriteDescriptor(0x8000, DataArea, 8, 0, 0);
        inList.WriteSlot(0, DataArea, 8, 0, Avail1 | Next);
        inList.WriteSlot(1, 0x8000, 16, 0, Avail1 | Indirect);
        Assert.Equal(QueueErrorKind.IndirectWithNext, PopError(inList).Kind);

        var nested = new PackedRig(4, indirect: true);
        nested.WriteDescriptor(0x8000, DataArea, 8, 0, 0);
        nested.WriteDescriptor(0x8010, 0x9000, 16, 0, Indirect);
        nested.WriteSlot(0, 0x8000, 32, 0, Avail1 | Indirect);
        Assert.Equal(QueueErrorKind.NestedIndirect, PopError(nested).Kind);

        foreach (uint length in new uint[] { 0, 24, 17 })
        {
            var bad = new PackedRig(4, indirect: true);
            bad.WriteSlot(0, 0x8000, length, 0, Avail1 | Indirect);
            Assert.Equal(QueueErrorKind.IndirectTableLengthInvalid, PopError(bad).Kind);
        }

        var tooMany = new PackedRig(4, indirect: true);
        tooMany.WriteSlot(0, 0x8000, 5 * 16, 0, Avail1 | Indirect);
        Assert.Equal(QueueErrorKind.ChainTooLong, PopError(tooMany).Kind);

        var unmappedTable = new PackedRig(4, indirect: true);
        unmappedTable.WriteSlot(0, 0x7FFF_0000, 32, 0, Avail1 | Indirect);
        Assert.Equal(QueueErrorKind.BufferOutOfRange, PopError(unmappedTable).Kind);

        var badEntry = new PackedRig(4, indirect: true);
        badEntry.WriteDescriptor(0x8000, 0x7FFF_0000, 8, 0, 0);
        badEntry.WriteSlot(0, 0x8000, 16, 0, Avail1 | Indirect);
        Assert.Equal(QueueErrorKind.BufferOutOfRange, PopError(badEntry).Kind);
    }

    [Fact]
    public void Unmapped_ring_areas_are_reported()
    {
        var memory = GuestMemory.WithArray(MemorySize);
        var config = MakeConfig(4, ring: 0x7000_0000);
        var device = new PackedDeviceQueue(config, new DeviceMemory(memory));
        Assert.False(device.HasAvailable());
        Assert.Equal(QueueErrorKind.RingNotMapped, device.Error.Kind);
        Assert.Equal(PopResult.Broken, device.TryPop(out _));

        var badDriverArea = new PackedDeviceQueue(MakeConfig(4) with { DriverArea = 0x7000_0000 }, new DeviceMemory(memory));
        var rig = new PackedRig(4, memory: memory);
        Assert.True(rig.Driver.TryAdd([new(DataArea, 4, true)], false, out _));
        rig.Driver.PublishAvailable();
        Assert.Equal(PopResult.Popped, badDriverArea.TryPop(out var chain));
        Assert.True(badDriverArea.TryComplete(chain, 4));
        Assert.False(badDriverArea.PublishUsed());
        Assert.Equal(QueueErrorKind.RingNotMapped, badDriverArea.Error.Kind);

        var badDeviceArea = new PackedDeviceQueue(MakeConfig(4) with { DeviceArea = 0x7000_0000 }, new DeviceMemory(memory));
        badDeviceArea.SetNotifications(false);
        Assert.Equal(QueueErrorKind.RingNotMapped, badDeviceArea.Error.Kind);

        Assert.Throws<ArgumentException>(() => new PackedDriverQueue(config, memory));
    }

    [Fact]
    public void Iommu_without_a_mapping_for_the_buffer_faults()
    {
        var domain = new IommuDomain(1);
        domain.Map(0, 0, DataArea, IommuPermissions.ReadWrite);       // rings and indirect area, identity
        domain.Map(DataArea, DataArea, 0x1000, IommuPermissions.Read); // one read-only data page
        var rig = new PackedRig(4, domain: domain);

        Assert.True(rig.Driver.TryAdd([new(DataArea, 16, false)], false, out _));
        rig.Driver.PublishAvailable();
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out _));

        Assert.True(rig.Driver.TryAdd([new(DataArea + 0x1000, 16, false)], false, out _)); // no mapping at all
        rig.Driver.PublishAvailable();
        var error = PopError(rig);
        Assert.Equal(QueueErrorKind.IommuFault, error.Kind);
        Assert.Equal(MemoryFaultKind.IommuNoMapping, error.Fault);

        var permission = new PackedRig(4, domain: domain);
        Assert.True(permission.Driver.TryAdd([new(DataArea, 16, true)], false, out _)); // writable, page is read-only
        permission.Driver.PublishAvailable();
        var denied = PopError(permission);
        Assert.Equal(QueueErrorKind.IommuFault, denied.Kind);
        Assert.Equal(MemoryFaultKind.IommuPermission, denied.Fault);

        var ringUnmapped = new PackedRig(4, domain: new IommuDomain(2));
        Assert.False(ringUnmapped.Device.HasAvailable());
        Assert.Equal(QueueErrorKind.IommuFault, ringUnmapped.Device.Error.Kind);
    }

    [Fact]
    public void Read_only_ring_mapping_faults_the_used_write()
    {
        var domain = new IommuDomain(1);
        domain.Map(0, 0, Ring, IommuPermissions.ReadWrite);
        domain.Map(Ring, Ring, 0x1000, IommuPermissions.Read); // the device may read the ring but not write it
        domain.Map(DataArea, DataArea, 0x1000, IommuPermissions.ReadWrite);
        var rig = new PackedRig(4, domain: domain);
        Assert.True(rig.Driver.TryAdd([new(DataArea, 16, true)], false, out _));
        rig.Driver.PublishAvailable();
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var chain));
        Assert.False(rig.Device.TryComplete(chain, 16));
        Assert.Equal(QueueErrorKind.IommuFault, rig.Device.Error.Kind);
        Assert.Equal(MemoryFaultKind.IommuPermission, rig.Device.Error.Fault);
        Assert.False(rig.Device.PublishUsed());
        Assert.Equal(PopResult.Broken, rig.Device.TryPop(out _));
    }

    [Fact]
    public void Iommu_translates_buffers_split_over_mappings()
    {
        var domain = new IommuDomain(1);
        domain.Map(0, 0, DataArea, IommuPermissions.ReadWrite);
        domain.Map(0x4000_0000, DataArea + 0x3000, 0x1000, IommuPermissions.ReadWrite);
        domain.Map(0x4000_1000, DataArea, 0x1000, IommuPermissions.ReadWrite); // contiguous IOVA, scattered GPA
        var rig = new PackedRig(4, domain: domain);
        Assert.True(rig.Memory.TryWrite(DataArea + 0x3FFE, new byte[] { 1, 2 }));
        Assert.True(rig.Memory.TryWrite(DataArea, new byte[] { 3, 4 }));
        Assert.True(rig.Driver.TryAdd([new(0x4000_0FFE, 4, false)], false, out _));
        rig.Driver.PublishAvailable();
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var chain));
        var bytes = new byte[4];
        Assert.True(chain.TryRead(rig.Device.Memory, 0, bytes));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, bytes);
    }

    [Fact]
    public void Reset_clears_the_error_and_the_positions()
    {
        var rig = new PackedRig(4);
        rig.WriteSlot(0, DataArea, 8, 0, Avail1 | Next);
        rig.WriteSlot(1, DataArea, 8, 0, 0);
        Assert.Equal(QueueErrorKind.DescriptorNotAvailable, PopError(rig).Kind);
        Assert.False(rig.Device.TryComplete(new DescriptorChain(), 0)); // broken: refused, not thrown
        rig.Device.Reset();
        Assert.Equal(QueueError.None, rig.Device.Error);
        Assert.Equal(RingPosition.Start, rig.Device.NextAvail);
        Assert.Equal(0, rig.Device.InFlightCount);
        Assert.True(rig.Memory.TryFill(Ring, 64, 0)); // the driver re-initialises the ring
        Assert.Equal(PopResult.Empty, rig.Device.TryPop(out _));
        rig.WriteSlot(0, DataArea, 8, 2, Avail1);
        Assert.Equal(PopResult.Popped, rig.Device.TryPop(out var chain));
        Assert.Equal(2, chain.Id);
    }

    [Fact]
    public void Completing_a_foreign_chain_or_out_of_order_under_in_order_throws()
    {
        var rig = new PackedRig(4);
        Assert.Throws<ArgumentException>(() => rig.Device.TryComplete(new DescriptorChain(), 0));

        var inOrder = new PackedRig(4, inOrder: true);
        inOrder.WriteSlot(0, DataArea, 8, 0, Avail1);
        inOrder.WriteSlot(1, DataArea, 8, 1, Avail1);
        Assert.Equal(PopResult.Popped, inOrder.Device.TryPop(out _));
        Assert.Equal(PopResult.Popped, inOrder.Device.TryPop(out var second));
        Assert.Throws<InvalidOperationException>(() => inOrder.Device.TryComplete(second, 0));
        Assert.Throws<InvalidOperationException>(() => rig.Device.BatchInOrder = true);
    }

    [Fact]
    public void Driver_rejects_used_ids_not_in_flight()
    {
        foreach (ushort id in new ushort[] { 1, 4, 0xFFFF })
        {
            var rig = new PackedRig(4);
            Assert.True(rig.Driver.TryAdd([new(DataArea, 8, true)], false, out ushort added));
            Assert.Equal(0, added);
            rig.Driver.PublishAvailable();
            rig.WriteSlot(0, DataArea, 8, id, Used1 | Write);
            Assert.Equal(TakeResult.Broken, rig.Driver.TryTakeUsed(out _));
            Assert.Equal(QueueErrorKind.UsedIdNotInFlight, rig.Driver.Error.Kind);
            Assert.Equal(TakeResult.Broken, rig.Driver.TryTakeUsed(out _));
        }

        var unpublished = new PackedRig(4); // added but never published: not in flight from the device's view
        Assert.True(unpublished.Driver.TryAdd([new(DataArea, 8, true)], false, out _));
        unpublished.WriteSlot(0, DataArea, 8, 0, Used1);
        Assert.Equal(TakeResult.Broken, unpublished.Driver.TryTakeUsed(out _));
        Assert.Equal(QueueErrorKind.UsedIdNotInFlight, unpublished.Driver.Error.Kind);
    }

    [Fact]
    public void Driver_rejects_used_length_beyond_the_writable_part()
    {
        var rig = new PackedRig(4);
        Assert.True(rig.Driver.TryAdd([new(DataArea, 100, false), new(DataArea + 0x100, 8, true)], false, out _));
        rig.Driver.PublishAvailable();
        rig.WriteSlot(0, DataArea, 9, 0, Used1 | Write);
        Assert.Equal(TakeResult.Broken, rig.Driver.TryTakeUsed(out _));
        Assert.Equal(QueueErrorKind.UsedLengthTooLarge, rig.Driver.Error.Kind);

        // Without WRITE the length is reserved and ignored.
        var ignored = new PackedRig(4);
        Assert.True(ignored.Driver.TryAdd([new(DataArea, 100, false)], false, out _));
        ignored.Driver.PublishAvailable();
        ignored.WriteSlot(0, DataArea, 12345, 0, Used1);
        Assert.Equal(TakeResult.Taken, ignored.Driver.TryTakeUsed(out var used));
        Assert.Equal(new UsedBuffer(0, 0), used);
    }

    [Fact]
    public void Driver_add_rejects_malformed_requests_and_reports_a_full_ring()
    {
        var rig = new PackedRig(4, indirect: true, maxIndirect: 2);
        Assert.Throws<ArgumentException>(() => rig.Driver.TryAdd([], false, out _));
        Assert.Throws<ArgumentException>(() => rig.Driver.TryAdd([new(DataArea, 1, true), new(DataArea, 1, false)], false, out _));
        Assert.Throws<ArgumentException>(() => rig.Driver.TryAdd([new(DataArea, 1, true), new(DataArea, 1, true), new(DataArea, 1, true)], true, out _));
        Assert.Throws<ArgumentException>(() => rig.Driver.TryAdd(new BufferSegment[5], false, out _));
        var plain = new PackedRig(4);
        Assert.Throws<ArgumentException>(() => plain.Driver.TryAdd([new(DataArea, 1, true)], true, out _));

        Assert.True(rig.Driver.TryAdd([new(DataArea, 1, false), new(DataArea, 1, false), new(DataArea, 1, true)], false, out _));
        Assert.False(rig.Driver.TryAdd([new(DataArea, 1, false), new(DataArea, 1, true)], false, out _));
        Assert.True(rig.Driver.TryAdd([new(DataArea, 1, false), new(DataArea, 1, true)], true, out _));
        Assert.Equal(0, rig.Driver.FreeDescriptors);
        Assert.False(rig.Driver.TryAdd([new(DataArea, 1, false)], true, out _));
        Assert.Equal(2, rig.Driver.InFlightCount);
    }
}
