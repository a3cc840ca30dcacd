using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Queues;
using static Virtsim.Experiments.Conformance.CaseBuilder;

namespace Virtsim.Experiments.Conformance;

/// <summary>Driver violations of the split ring's rules (spec 2.7), written into the device's ring by hand.</summary>
internal static class SplitRingCases
{
    private const ushort Next = 1, Write = 2, Indirect = 4;
    private static readonly QueueFormat Split = QueueFormat.Split;

    public static IEnumerable<ConformanceCase> All()
    {
        yield return Driver("split.desc-loop", "Two descriptors whose next fields point at each other", SpecSections.SplitDescriptorTable,
            "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes in total; loops in a chain are forbidden.", Split, d =>
            {
                var s = d.Request()[0];
                d.SplitDescriptor(0, s.Address, s.Length, Next, 1);
                d.SplitDescriptor(1, s.Address, s.Length, Next, 0);
                d.SplitPublish(0);
            });
        yield return Driver("split.desc-self-loop", "A descriptor whose next field points at itself", SpecSections.SplitDescriptorTable,
            "Loops in a descriptor chain are forbidden.", Split, d =>
            {
                var s = d.Request()[0];
                d.SplitDescriptor(0, s.Address, s.Length, Next, 0);
                d.SplitPublish(0);
            });
        yield return Driver("split.head-out-of-range", "An available entry naming descriptor queue_size + 3", SpecSections.SplitAvailableRing,
            "The available ring holds heads of descriptor chains in the table: an index past the table is no descriptor.", Split, d =>
            {
                d.SplitChain(d.Request());
                d.SplitPublish(HostileDriver.QueueSize + 3);
            });
        yield return Driver("split.next-out-of-range", "A descriptor whose next field is past the descriptor table", SpecSections.SplitDescriptorTable,
            "next links a descriptor of the same table: a value past the queue size is no descriptor.", Split, d =>
            {
                var s = d.Request()[0];
                d.SplitDescriptor(0, s.Address, s.Length, Next, HostileDriver.QueueSize + 3);
                d.SplitPublish(0);
            });
        yield return Driver("split.avail-idx-jump", "The available index moves by queue_size + 5 at once", SpecSections.SplitAvailableRing,
            "The available index counts heads the driver made available: it cannot run more than the queue size ahead of the device.", Split, d =>
            {
                d.SplitChain(d.Request());
                d.SetAvailIndex(HostileDriver.QueueSize + 5);
            });
        yield return Driver("split.avail-idx-decrement", "The available index goes back after a buffer was used", SpecSections.SplitAvailableRing,
            "A driver MUST NOT decrement the available idx on a virtqueue.", Split, d =>
            {
                d.Submit(d.Request());
                WaitUsed(d);
                d.SetAvailIndex(0);
            });
        yield return Driver("split.buffer-outside-memory", "A buffer address past the end of guest memory", SpecSections.SplitDescriptorTable,
            "addr is a guest-physical address of the buffer: it must be memory the driver shared.", Split, d =>
                d.Submit(Replace(d.Request(), 0, s => s with { Address = d.OutsideMemory })));
        yield return Driver("split.buffer-wraps", "A buffer whose address plus length wraps the 64-bit address space", SpecSections.SplitDescriptorTable,
            "A buffer is addr .. addr + len - 1 in guest memory: it cannot wrap around the address space.", Split, d =>
                d.Submit(Replace(d.Request(), 0, s => s with { Address = 0xFFFF_FFFF_FFFF_F000, Length = 0x2000 })));
        yield return Driver("split.chain-over-4gib", "A chain of two descriptors of 4 GiB - 1 bytes each", SpecSections.SplitDescriptorTable,
            "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes in total.", Split, d =>
            {
                var r = d.Request();
                var big = new RawSegment(r[0].Address, uint.MaxValue, false);
                d.Submit([big, big, .. r.Skip(1)]);
            });
        yield return Driver("split.indirect-chain-too-long", "An indirect table of queue_size + 1 descriptors", SpecSections.SplitIndirect,
            "A driver MUST NOT create a descriptor chain longer than the Queue Size of the device.", Split, d =>
            {
                var r = d.Request();
                var filler = Enumerable.Repeat(new RawSegment(r[0].Address, 1, false), HostileDriver.QueueSize + 1 - r.Length);
                var table = HostileDriver.Entries([r[0], .. filler, .. r.Skip(1)]);
                d.SubmitOne(d.IndirectTable(table), (uint)(table.Length * 16), Indirect);
            }, requiresIndirect: true);
        yield return Driver("split.indirect-nested", "An indirect table whose entry is itself INDIRECT", SpecSections.SplitIndirect,
            "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag within an indirect descriptor.", Split, d =>
            {
                var inner = HostileDriver.Entries(d.Request());
                ulong innerAt = d.IndirectTable(inner);
                d.SubmitOne(d.IndirectTable((innerAt, (uint)(inner.Length * 16), Indirect, 0)), 16, Indirect);
            }, requiresIndirect: true);
        yield return Driver("split.indirect-with-next", "A descriptor with both INDIRECT and NEXT", SpecSections.SplitIndirect,
            "A driver MUST NOT set both VIRTQ_DESC_F_INDIRECT and VIRTQ_DESC_F_NEXT in flags.", Split, d =>
            {
                var entries = HostileDriver.Entries(d.Request());
                d.SplitDescriptor(1, d.Allocate(64), 64, Write, 0);
                d.SplitDescriptor(0, d.IndirectTable(entries), (uint)(entries.Length * 16), Indirect | Next, 1);
                d.SplitPublish(0);
            }, requiresIndirect: true);
        yield return Driver("split.indirect-length-zero", "An INDIRECT descriptor of length 0", SpecSections.SplitIndirect,
            "len of an indirect descriptor is the table's length in bytes: an empty table describes no buffer.", Split, d =>
                d.SubmitOne(d.IndirectTable(HostileDriver.Entries(d.Request())), 0, Indirect), requiresIndirect: true);
        yield return Driver("split.indirect-length-odd", "An INDIRECT descriptor whose length is not a multiple of 16", SpecSections.SplitIndirect,
            "An indirect table is an array of 16-byte descriptors: its length is a multiple of 16.", Split, d =>
            {
                var entries = HostileDriver.Entries(d.Request());
                d.SubmitOne(d.IndirectTable(entries), (uint)(entries.Length * 16 + 8), Indirect);
            }, requiresIndirect: true);
        yield return Driver("split.indirect-outside-memory", "An indirect table past the end of guest memory", SpecSections.SplitIndirect,
            "addr of an indirect descriptor is the table's guest-physical address: it must be shared memory.", Split, d =>
                d.SubmitOne(d.OutsideMemory, 48, Indirect), requiresIndirect: true);
        yield return Driver("split.indirect-not-negotiated", "INDIRECT used without VIRTIO_F_INDIRECT_DESC", SpecSections.SplitIndirect,
            "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag unless the VIRTIO_F_INDIRECT_DESC feature was negotiated.", Split, d =>
            {
                var entries = HostileDriver.Entries(d.Request());
                d.SubmitOne(d.IndirectTable(entries), (uint)(entries.Length * 16), Indirect);
            }, setup: new DriverSetup { Indirect = false });
        yield return Driver("split.indirect-next-out-of-range", "An indirect entry whose next is past its table", SpecSections.SplitIndirect,
            "Indirect descriptors are chained by next within their table: a next past the table is no descriptor.", Split, d =>
            {
                var entries = HostileDriver.Entries(d.Request());
                entries[0] = (entries[0].Item1, entries[0].Item2, (ushort)(entries[0].Item3 | Next), (ushort)(entries.Length + 5));
                d.SubmitOne(d.IndirectTable(entries), (uint)(entries.Length * 16), Indirect);
            }, requiresIndirect: true);
        yield return Driver("split.indirect-loop", "Two indirect entries whose next fields point at each other", SpecSections.SplitIndirect,
            "Loops in a descriptor chain are forbidden, in an indirect table too.", Split, d =>
            {
                var s = d.Request()[0];
                d.SubmitOne(d.IndirectTable((s.Address, s.Length, Next, 1), (s.Address, s.Length, Next, 0)), 32, Indirect);
            }, requiresIndirect: true);
        yield return Driver("split.writable-before-readable", "A device-writable descriptor before a device-readable one", SpecSections.MessageFraming,
            "The driver MUST place any device-writable descriptor elements after any device-readable descriptor elements.", Split, d =>
                d.Submit(WritableFirst(d)));
        yield return Driver("split.indirect-writable-before-readable", "In an indirect table, a device-writable entry before a device-readable one", SpecSections.MessageFraming,
            "Device-writable elements come after device-readable ones, in an indirect table too.", Split, d =>
            {
                var entries = HostileDriver.Entries(WritableFirst(d));
                d.SubmitOne(d.IndirectTable(entries), (uint)(entries.Length * 16), Indirect);
            }, requiresIndirect: true);
        yield return Driver("split.desc-table-misaligned", "A descriptor table 8 bytes past a 16-byte boundary", SpecSections.SplitVirtqueues,
            "The driver MUST ensure that the physical address of the first byte of each virtqueue part is a multiple of its alignment (descriptor table 16).", Split, d =>
            {
                d.ArmWith(descriptorShift: 8, layoutSize: 2 * HostileDriver.QueueSize);
                d.Submit(d.Request());
            });
        yield return Driver("split.avail-ring-misaligned", "An available ring at an odd address", SpecSections.SplitVirtqueues,
            "The available ring's first byte is a multiple of 2.", Split, d =>
            {
                d.ArmWith(driverShift: 1, layoutSize: 2 * HostileDriver.QueueSize);
                d.Submit(d.Request());
            });
        yield return Driver("split.used-ring-misaligned", "A used ring 2 bytes past a 4-byte boundary", SpecSections.SplitVirtqueues,
            "The used ring's first byte is a multiple of 4.", Split, d =>
            {
                d.ArmWith(deviceShift: 2, layoutSize: 2 * HostileDriver.QueueSize);
                d.Submit(d.Request());
            });
        yield return Driver("split.queue-size-not-power-of-two", "A split ring of 100 descriptors", SpecSections.SplitVirtqueues,
            "Queue Size of a split virtqueue is always a power of 2; the driver uses a size the device allows.", Split, d =>
            {
                d.ArmWith(size: 100, layoutSize: 2 * HostileDriver.QueueSize);
                d.Submit(d.Request());
            });
        yield return Driver("split.avail-flags-reserved", "Available ring flags 0x8002 without EVENT_IDX", SpecSections.SplitUsedSuppression,
            "If VIRTIO_F_EVENT_IDX has not been negotiated, the driver MUST set flags to 0 or 1.", Split, d =>
            {
                d.Guest.TryWriteU16(d.DriverArea, 0x8002);
                d.Submit(d.Request());
            });
    }

    /// <summary>The request with its device-writable segments first (net, which has none, gets a writable one in front).</summary>
    internal static RawSegment[] WritableFirst(HostileDriver d)
    {
        var r = d.Request();
        var writable = r.Where(s => s.Writable).ToList();
        if (writable.Count == 0) writable.Add(new RawSegment(d.Allocate(64), 64, true));
        return [.. writable, .. r.Where(s => !s.Writable)];
    }
}
