using Virtsim.Virtio.Memory;

namespace Virtsim.Virtio.Tests.Memory;

public class DeviceMemoryTests
{
    [Fact]
    public void Writes_mark_the_dirty_log_at_the_translated_address()
    {
        var guest = GuestMemory.WithArray(0x10000);
        var domain = new IommuDomain(0);
        domain.Map(0x100000, 0x8000, 0x2000, IommuPermissions.ReadWrite);
        var log = new DirtyLog(0x10000);
        var device = new DeviceMemory(guest, domain, log);
        Assert.True(device.TryWrite(0x100FF0, new byte[0x20], MemoryAccessKind.Data));
        Assert.Equal([8UL, 9], log.CollectAndClear());
    }

    [Fact]
    public void Iommu_faults_are_reported_with_address_and_kind()
    {
        var guest = GuestMemory.WithArray(0x10000);
        var domain = new IommuDomain(0);
        domain.Map(0, 0, 0x1000, IommuPermissions.Read);
        var device = new DeviceMemory(guest, domain);
        Assert.False(device.TryWrite(0x10, new byte[4], MemoryAccessKind.Data));
        Assert.Equal(MemoryFaultKind.IommuPermission, device.LastFault.Kind);
        Assert.True(device.LastFault.IsWrite);
        Assert.False(device.TryReadU16Acquire(0x2000, MemoryAccessKind.RingIndex, out _));
        Assert.Equal(new MemoryFault(MemoryFaultKind.IommuNoMapping, 0x2000, 2, MemoryAccessKind.RingIndex, false), device.LastFault);
    }

    [Fact]
    public void A_read_spanning_two_mappings_is_stitched_together()
    {
        var guest = GuestMemory.WithArray(0x10000);
        Assert.True(guest.TryWrite(0x3FFC, [1, 2, 3, 4]));
        Assert.True(guest.TryWrite(0x9000, [5, 6, 7, 8]));
        var domain = new IommuDomain(0);
        domain.Map(0x0000, 0x3000, 0x1000, IommuPermissions.Read);
        domain.Map(0x1000, 0x9000, 0x1000, IommuPermissions.Read);
        var device = new DeviceMemory(guest, domain);
        var bytes = new byte[8];
        Assert.True(device.TryRead(0xFFC, bytes, MemoryAccessKind.Data));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, bytes);
    }

    [Fact]
    public void Every_access_is_counted_once_by_kind()
    {
        var device = new DeviceMemory(GuestMemory.WithArray(0x1000));
        Assert.True(device.TryReadU16Acquire(0, MemoryAccessKind.RingIndex, out _));
        Assert.True(device.TryWriteU16Release(2, 1, MemoryAccessKind.RingIndex));
        Assert.True(device.TryRead(16, new byte[16], MemoryAccessKind.Descriptor));
        Assert.True(device.TryWrite(64, new byte[100], MemoryAccessKind.Data));
        Assert.False(device.TryRead(0x2000, new byte[4], MemoryAccessKind.Data)); // failed accesses still cost a transaction
        Assert.Equal(1, device.Counters.Reads(MemoryAccessKind.RingIndex));
        Assert.Equal(1, device.Counters.Writes(MemoryAccessKind.RingIndex));
        Assert.Equal(1, device.Counters.Reads(MemoryAccessKind.Descriptor));
        Assert.Equal(1, device.Counters.Writes(MemoryAccessKind.Data));
        Assert.Equal(100, device.Counters.WriteBytes(MemoryAccessKind.Data));
        Assert.Equal(5, device.Counters.TotalReads + device.Counters.TotalWrites);
        Assert.Equal(3, device.Counters.RingOverhead);
    }

    [Fact]
    public void Zeroing_clears_bytes_and_marks_pages()
    {
        var guest = GuestMemory.WithArray(0x4000);
        Assert.True(guest.TryFill(0, 0x4000, 0xFF));
        var log = new DirtyLog(0x4000);
        var device = new DeviceMemory(guest, dirtyLog: log);
        Assert.True(device.TryZero(0x800, 0x1000, MemoryAccessKind.Data));
        Assert.True(guest.TryReadU8(0x7FF, out var before));
        Assert.True(guest.TryReadU8(0x800, out var first));
        Assert.True(guest.TryReadU8(0x17FF, out var last));
        Assert.Equal((0xFF, 0, 0), (before, first, last));
        Assert.Equal(2, log.DirtyCount());
    }

    [Fact]
    public void Access_checks_translate_without_counting()
    {
        var guest = GuestMemory.WithArray(0x4000);
        var domain = new IommuDomain(0);
        domain.Map(0x10000, 0x1000, 0x1000, IommuPermissions.Read);
        domain.Map(0x11000, 0x8000, 0x1000, IommuPermissions.ReadWrite); // GPA 0x8000 is not backed
        var device = new DeviceMemory(guest, domain);
        Assert.Equal(MemoryFaultKind.None, device.CheckAccess(0x10000, 0x1000, write: false));
        Assert.Equal(MemoryFaultKind.IommuPermission, device.CheckAccess(0x10000, 16, write: true));
        Assert.Equal(MemoryFaultKind.OutOfRange, device.CheckAccess(0x10FF0, 0x20, write: false));
        Assert.Equal(MemoryFaultKind.IommuNoMapping, device.CheckAccess(0x20000, 1, write: false));
        Assert.Equal(MemoryFaultKind.OutOfRange, device.CheckAccess(ulong.MaxValue, 2, write: false));
        Assert.Equal(MemoryFaultKind.None, device.CheckAccess(0x99999, 0, write: true));
        Assert.Equal(0, device.Counters.TotalReads + device.Counters.TotalWrites);
    }
}
