namespace Virtsim.VhostUser.Backend;

/// <summary>
/// Where things live in the shared in-flight tracking region of INFLIGHT_SHMFD for split rings (QEMU
/// docs/interop/vhost-user.rst, "Inflight I/O tracking"): one area per ring, each a 16-byte header
/// (features u64, version u16, desc_num u16, last_batch_head u16, used_idx u16) followed by one 16-byte entry per
/// descriptor (inflight u8, padding 5, next u16, counter u64), the area rounded up to 64 bytes. Pure arithmetic.
/// </summary>
public static class InflightLayout
{
    /// <summary>The layout version written into a fresh area.</summary>
    public const ushort Version = 1;

    /// <summary>Each ring's area is a multiple of this many bytes.</summary>
    public const int Alignment = 64;

    /// <summary>Bytes of an area's header.</summary>
    public const int HeaderSize = 16;

    /// <summary>Offset of features (u64, reserved) in the header.</summary>
    public const int FeaturesOffset = 0;

    /// <summary>Offset of version (u16): 0 means the area was never used.</summary>
    public const int VersionOffset = 8;

    /// <summary>Offset of desc_num (u16): the ring size the area was laid out for.</summary>
    public const int DescNumOffset = 10;

    /// <summary>Offset of last_batch_head (u16): the head of the last batch of used entries, linked through next.</summary>
    public const int LastBatchHeadOffset = 12;

    /// <summary>Offset of used_idx (u16): the used index once the last batch's entries were cleared.</summary>
    public const int UsedIdxOffset = 14;

    /// <summary>Bytes of one split descriptor entry.</summary>
    public const int SplitEntrySize = 16;

    /// <summary>Offset of inflight (u8, 1 while the head is in flight) in an entry.</summary>
    public const int EntryInflightOffset = 0;

    /// <summary>Offset of next (u16, the previous head of the same used batch) in an entry.</summary>
    public const int EntryNextOffset = 6;

    /// <summary>Offset of counter (u64, the pop order) in an entry.</summary>
    public const int EntryCounterOffset = 8;

    /// <summary>
    /// Bytes of one ring's area for a ring of <paramref name="queueSize"/> descriptors: the split layout, or
    /// <see cref="PackedInflightLayout"/> when <paramref name="packed"/>.
    /// </summary>
    public static ulong QueueAreaSize(ushort queueSize, bool packed = false) => packed
        ? PackedInflightLayout.QueueAreaSize(queueSize)
        : ((ulong)HeaderSize + (ulong)SplitEntrySize * queueSize + Alignment - 1) & ~(ulong)(Alignment - 1);

    /// <summary>Bytes of the whole region for <paramref name="numQueues"/> rings of <paramref name="queueSize"/> in either layout.</summary>
    public static ulong RegionSize(ushort numQueues, ushort queueSize, bool packed = false) => numQueues * QueueAreaSize(queueSize, packed);

    /// <summary>Offset of ring <paramref name="queue"/>'s area in a region of either layout.</summary>
    public static ulong QueueAreaOffset(int queue, ushort queueSize, bool packed = false) => (ulong)queue * QueueAreaSize(queueSize, packed);

    /// <summary>Offset of descriptor <paramref name="head"/>'s entry inside a ring's area.</summary>
    public static ulong EntryOffset(ushort head) => HeaderSize + (ulong)SplitEntrySize * head;
}
