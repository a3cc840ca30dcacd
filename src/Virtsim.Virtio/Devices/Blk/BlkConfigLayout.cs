namespace Virtsim.Virtio.Devices.Blk;

/// <summary>Byte offsets of <c>struct virtio_blk_config</c> fields (spec §5.2.4).</summary>
public static class BlkConfigLayout
{
    /// <summary>capacity, le64, in 512-byte sectors.</summary>
    public const int Capacity = 0;
    /// <summary>size_max, le32.</summary>
    public const int SizeMax = 8;
    /// <summary>seg_max, le32.</summary>
    public const int SegMax = 12;
    /// <summary>geometry.cylinders, le16.</summary>
    public const int Cylinders = 16;
    /// <summary>geometry.heads, u8.</summary>
    public const int Heads = 18;
    /// <summary>geometry.sectors, u8.</summary>
    public const int Sectors = 19;
    /// <summary>blk_size, le32.</summary>
    public const int BlkSize = 20;
    /// <summary>topology.physical_block_exp, u8.</summary>
    public const int PhysicalBlockExp = 24;
    /// <summary>topology.alignment_offset, u8.</summary>
    public const int AlignmentOffset = 25;
    /// <summary>topology.min_io_size, le16.</summary>
    public const int MinIoSize = 26;
    /// <summary>topology.opt_io_size, le32.</summary>
    public const int OptIoSize = 28;
    /// <summary>writeback, u8 (the only driver-writable field, with CONFIG_WCE).</summary>
    public const int Writeback = 32;
    /// <summary>num_queues, le16.</summary>
    public const int NumQueues = 34;
    /// <summary>max_discard_sectors, le32.</summary>
    public const int MaxDiscardSectors = 36;
    /// <summary>max_discard_seg, le32.</summary>
    public const int MaxDiscardSeg = 40;
    /// <summary>discard_sector_alignment, le32.</summary>
    public const int DiscardSectorAlignment = 44;
    /// <summary>max_write_zeroes_sectors, le32.</summary>
    public const int MaxWriteZeroesSectors = 48;
    /// <summary>max_write_zeroes_seg, le32.</summary>
    public const int MaxWriteZeroesSeg = 52;
    /// <summary>write_zeroes_may_unmap, u8.</summary>
    public const int WriteZeroesMayUnmap = 56;
    /// <summary>max_secure_erase_sectors, le32 (reads 0: SECURE_ERASE is not offered).</summary>
    public const int MaxSecureEraseSectors = 60;
    /// <summary>Size of the config space this device exposes (through the secure-erase fields; no zoned block).</summary>
    public const int Size = 72;
}
