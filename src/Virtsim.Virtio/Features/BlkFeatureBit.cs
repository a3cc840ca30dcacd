namespace Virtsim.Virtio.Features;

/// <summary>virtio-blk feature bits (spec §5.2.3).</summary>
public static class BlkFeatureBit
{
    /// <summary>Maximum segment size is in size_max.</summary>
    public const int SizeMax = 1;
    /// <summary>Maximum number of segments is in seg_max.</summary>
    public const int SegMax = 2;
    /// <summary>Disk-style geometry is in geometry.</summary>
    public const int Geometry = 4;
    /// <summary>Device is read-only.</summary>
    public const int Ro = 5;
    /// <summary>Block size of the disk is in blk_size.</summary>
    public const int BlkSize = 6;
    /// <summary>Cache flush command support.</summary>
    public const int Flush = 9;
    /// <summary>Topology information is available.</summary>
    public const int Topology = 10;
    /// <summary>Device can toggle its cache between writeback and writethrough.</summary>
    public const int ConfigWce = 11;
    /// <summary>Device supports multiqueue.</summary>
    public const int Mq = 12;
    /// <summary>Device can support discard.</summary>
    public const int Discard = 13;
    /// <summary>Device can support write zeroes.</summary>
    public const int WriteZeroes = 14;
    /// <summary>Device supports providing storage lifetime information.</summary>
    public const int Lifetime = 15;
    /// <summary>Device supports secure erase.</summary>
    public const int SecureErase = 16;
}
