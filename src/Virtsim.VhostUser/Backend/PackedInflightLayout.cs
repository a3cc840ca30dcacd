namespace Virtsim.VhostUser.Backend;

/// <summary>
/// Where things live in a packed ring's area of the INFLIGHT_SHMFD region (QEMU docs/interop/vhost-user.rst,
/// "Inflight I/O tracking", <c>QueueRegionPacked</c> / <c>DescStatePacked</c>): a 32-byte header (features u64,
/// version u16, desc_num u16, free_head u16, old_free_head u16, used_idx u16, old_used_idx u16,
/// used_wrap_counter u8, old_used_wrap_counter u8, padding to 32) followed by one 32-byte entry per descriptor
/// (inflight u8, padding u8, next u16, last u16, num u16, counter u64, id u16, flags u16, len u32, addr u64), the
/// area rounded up to 64 bytes. Entries hold copies of the ring descriptors a packed device overwrites with used
/// descriptors, linked in a free list. Pure arithmetic.
/// </summary>
public static class PackedInflightLayout
{
    /// <summary>Bytes of an area's header (29 bytes of fields and padding, aligned for the u64s of the entries).</summary>
    public const int HeaderSize = 32;

    /// <summary>Offset of version (u16) in the header, as in the split header; 0 means the area was never used.</summary>
    public const int VersionOffset = InflightLayout.VersionOffset;

    /// <summary>Offset of desc_num (u16), as in the split header: the ring size the area was laid out for.</summary>
    public const int DescNumOffset = InflightLayout.DescNumOffset;

    /// <summary>Offset of free_head (u16): the first entry of the free list.</summary>
    public const int FreeHeadOffset = 12;

    /// <summary>Offset of old_free_head (u16): free_head as of the last finished pop or published completion.</summary>
    public const int OldFreeHeadOffset = 14;

    /// <summary>Offset of used_idx (u16): the device's next used slot.</summary>
    public const int UsedIdxOffset = 16;

    /// <summary>Offset of old_used_idx (u16): used_idx as of the last published completion.</summary>
    public const int OldUsedIdxOffset = 18;

    /// <summary>Offset of used_wrap_counter (u8).</summary>
    public const int UsedWrapOffset = 20;

    /// <summary>Offset of old_used_wrap_counter (u8).</summary>
    public const int OldUsedWrapOffset = 21;

    /// <summary>Bytes of one packed descriptor entry.</summary>
    public const int EntrySize = 32;

    /// <summary>Offset of inflight (u8; meaningful in a chain's head entry).</summary>
    public const int EntryInflightOffset = 0;

    /// <summary>Offset of next (u16): the next entry of the chain or of the free list.</summary>
    public const int EntryNextOffset = 2;

    /// <summary>Offset of last (u16): the chain's last entry (head entry).</summary>
    public const int EntryLastOffset = 4;

    /// <summary>Offset of num (u16): the chain's descriptor count (head entry).</summary>
    public const int EntryNumOffset = 6;

    /// <summary>Offset of counter (u64): the pop order (head entry).</summary>
    public const int EntryCounterOffset = 8;

    /// <summary>Offset of the copied descriptor's buffer id (u16).</summary>
    public const int EntryIdOffset = 16;

    /// <summary>Offset of the copied descriptor's flags (u16).</summary>
    public const int EntryFlagsOffset = 18;

    /// <summary>Offset of the copied descriptor's length (u32).</summary>
    public const int EntryLenOffset = 20;

    /// <summary>Offset of the copied descriptor's address (u64).</summary>
    public const int EntryAddrOffset = 24;

    /// <summary>Bytes of one ring's area for a ring of <paramref name="queueSize"/> descriptors.</summary>
    public static ulong QueueAreaSize(ushort queueSize) =>
        ((ulong)HeaderSize + (ulong)EntrySize * queueSize + InflightLayout.Alignment - 1) & ~(ulong)(InflightLayout.Alignment - 1);

    /// <summary>Offset of entry <paramref name="index"/> inside a ring's area.</summary>
    public static ulong EntryOffset(ushort index) => HeaderSize + (ulong)EntrySize * index;
}
