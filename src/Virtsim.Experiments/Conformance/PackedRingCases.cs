using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Queues.Packed;
using static Virtsim.Experiments.Conformance.CaseBuilder;

namespace Virtsim.Experiments.Conformance;

/// <summary>Driver violations of the packed ring's rules (spec 2.8), written into the device's ring by hand.</summary>
internal static class PackedRingCases
{
    private const ushort Next = PackedLayout.FlagNext, Write = PackedLayout.FlagWrite, Indirect = PackedLayout.FlagIndirect;
    private static readonly QueueFormat Packed = QueueFormat.Packed;

    public static IEnumerable<ConformanceCase> All()
    {
        yield return Driver("packed.chain-longer-than-ring", "Every descriptor of the ring has NEXT: the list never ends", SpecSections.PackedScatterGather,
            "A driver MUST NOT create a descriptor list longer than the Queue Size.", Packed, d =>
            {
                var s = d.Request()[0];
                for (int slot = HostileDriver.QueueSize - 1; slot >= 0; slot--) d.PackedDescriptor(slot, s.Address, s.Length, 0, Next);
                d.Kick();
            });
        yield return Driver("packed.next-not-available", "The second descriptor of a list carries the wrong wrap counter", SpecSections.PackedScatterGather,
            "A driver MUST NOT make the first descriptor in the list available before all subsequent descriptors comprising the list are made available.", Packed, d =>
            {
                var s = d.Request()[0];
                d.PackedDescriptor(1, s.Address, s.Length, 0, PackedLayout.AvailableBits(false), rawFlags: true);
                d.PackedDescriptor(0, s.Address, s.Length, 0, Next);
                d.Kick();
            });
        yield return Driver("packed.buffer-outside-memory", "A buffer address past the end of guest memory", SpecSections.PackedDescriptorTableDevice,
            "addr is a guest-physical address of the buffer: it must be memory the driver shared.", Packed, d =>
                d.Submit(Replace(d.Request(), 0, s => s with { Address = d.OutsideMemory })));
        yield return Driver("packed.buffer-wraps", "A buffer whose address plus length wraps the 64-bit address space", SpecSections.PackedDescriptorTableDevice,
            "A buffer is addr .. addr + len - 1 in guest memory: it cannot wrap around the address space.", Packed, d =>
                d.Submit(Replace(d.Request(), 0, s => s with { Address = 0xFFFF_FFFF_FFFF_F000, Length = 0x2000 })));
        yield return Driver("packed.chain-over-4gib", "A list of two descriptors of 4 GiB - 1 bytes each", SpecSections.PackedScatterGather,
            "A driver MUST NOT create a descriptor list longer than allowed by the device (2^32 bytes in total, as for split rings).", Packed, d =>
            {
                var r = d.Request();
                var big = new RawSegment(r[0].Address, uint.MaxValue, false);
                d.Submit([big, big, .. r.Skip(1)]);
            });
        yield return Driver("packed.indirect-nested", "An indirect table whose entry is itself INDIRECT", SpecSections.PackedIndirect,
            "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag within an indirect descriptor.", Packed, d =>
            {
                var inner = HostileDriver.Entries(d.Request());
                ulong innerAt = d.IndirectTable(inner);
                d.SubmitOne(d.IndirectTable((innerAt, (uint)(inner.Length * 16), Indirect, 0)), 16, Indirect);
            }, requiresIndirect: true);
        yield return Driver("packed.indirect-in-list", "An INDIRECT descriptor inside a list linked by NEXT", SpecSections.PackedIndirect,
            "A driver MUST NOT write direct descriptors with VIRTQ_DESC_F_INDIRECT set in a scatter-gather list linked by VIRTQ_DESC_F_NEXT.", Packed, d =>
            {
                var r = d.Request();
                var entries = HostileDriver.Entries(r);
                d.PackedDescriptor(1, d.IndirectTable(entries), (uint)(entries.Length * 16), 0, Indirect);
                d.PackedDescriptor(0, r[0].Address, r[0].Length, 0, Next);
                d.Kick();
            }, requiresIndirect: true);
        yield return Driver("packed.indirect-length-zero", "An INDIRECT descriptor of length 0", SpecSections.PackedIndirect,
            "len of an indirect descriptor is the table's length in bytes: an empty table describes no buffer.", Packed, d =>
                d.SubmitOne(d.IndirectTable(HostileDriver.Entries(d.Request())), 0, Indirect), requiresIndirect: true);
        yield return Driver("packed.indirect-length-odd", "An INDIRECT descriptor whose length is not a multiple of 16", SpecSections.PackedIndirect,
            "An indirect table is an array of 16-byte descriptors: its length is a multiple of 16.", Packed, d =>
            {
                var entries = HostileDriver.Entries(d.Request());
                d.SubmitOne(d.IndirectTable(entries), (uint)(entries.Length * 16 + 8), Indirect);
            }, requiresIndirect: true);
        yield return Driver("packed.indirect-outside-memory", "An indirect table past the end of guest memory", SpecSections.PackedIndirect,
            "addr of an indirect descriptor is the table's guest-physical address: it must be shared memory.", Packed, d =>
                d.SubmitOne(d.OutsideMemory, 48, Indirect), requiresIndirect: true);
        yield return Driver("packed.indirect-not-negotiated", "INDIRECT used without VIRTIO_F_INDIRECT_DESC", SpecSections.PackedIndirect,
            "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag unless the VIRTIO_F_INDIRECT_DESC feature was negotiated.", Packed, d =>
            {
                var entries = HostileDriver.Entries(d.Request());
                d.SubmitOne(d.IndirectTable(entries), (uint)(entries.Length * 16), Indirect);
            }, setup: new DriverSetup { Indirect = false });
        yield return Driver("packed.indirect-chain-too-long", "An indirect table of queue_size + 1 descriptors", SpecSections.PackedIndirect,
            "A driver MUST NOT create a descriptor chain longer than allowed by the device (the Queue Size).", Packed, d =>
            {
                var r = d.Request();
                var filler = Enumerable.Repeat(new RawSegment(r[0].Address, 1, false), HostileDriver.QueueSize + 1 - r.Length);
                var table = HostileDriver.Entries([r[0], .. filler, .. r.Skip(1)]);
                d.SubmitOne(d.IndirectTable(table), (uint)(table.Length * 16), Indirect);
            }, requiresIndirect: true);
        yield return Driver("packed.writable-before-readable", "A device-writable descriptor before a device-readable one", SpecSections.PackedScatterGather,
            "The driver MUST place any device-writable descriptor elements after any device-readable descriptor elements.", Packed, d =>
                d.Submit(SplitRingCases.WritableFirst(d)));
        yield return Driver("packed.indirect-writable-before-readable", "In an indirect table, a device-writable entry before a device-readable one", SpecSections.PackedScatterGather,
            "Device-writable elements come after device-readable ones, in an indirect table too.", Packed, d =>
            {
                var entries = HostileDriver.Entries(SplitRingCases.WritableFirst(d));
                d.SubmitOne(d.IndirectTable(entries), (uint)(entries.Length * 16), Indirect);
            }, requiresIndirect: true);
        yield return Driver("packed.desc-ring-misaligned", "A descriptor ring 8 bytes past a 16-byte boundary", SpecSections.PackedVirtqueues,
            "The driver MUST ensure that the physical address of the first byte of each virtqueue part is a multiple of its alignment (descriptor ring 16).", Packed, d =>
            {
                d.ArmWith(descriptorShift: 8, layoutSize: 2 * HostileDriver.QueueSize);
                d.Submit(d.Request());
            });
        yield return Driver("packed.event-area-misaligned", "A driver event suppression area 2 bytes past a 4-byte boundary", SpecSections.PackedVirtqueues,
            "The event suppression structures' first bytes are multiples of 4.", Packed, d =>
            {
                d.ArmWith(driverShift: 2, layoutSize: 2 * HostileDriver.QueueSize);
                d.Submit(d.Request());
            });
        _ = Write;
    }
}
