using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Devices.Blk;

/// <summary>How a virtio-blk device presents itself: which features it offers and its config values.</summary>
public sealed record BlkDeviceOptions
{
    /// <summary>
    /// The device-type feature bits to offer (<see cref="BlkFeatureBit"/>). CONFIG_WCE requires FLUSH
    /// (spec §5.2.5.2); the ring bits come from <see cref="RingFeatures"/>.
    /// </summary>
    public FeatureSet DeviceFeatures { get; init; } = FeatureSet.Of(
        BlkFeatureBit.SegMax, BlkFeatureBit.BlkSize, BlkFeatureBit.Flush, BlkFeatureBit.Topology,
        BlkFeatureBit.ConfigWce, BlkFeatureBit.Discard, BlkFeatureBit.WriteZeroes);

    /// <summary>The ring and transport feature bits to offer.</summary>
    public FeatureSet RingFeatures { get; init; } = RequestDeviceBase.DefaultRingFeatures;

    /// <summary>The 20-byte device ID string GET_ID returns (ASCII, NUL-padded; longer is cut).</summary>
    public string Id { get; init; } = "virtsim-blk";

    /// <summary>Largest virtqueue size.</summary>
    public ushort QueueSize { get; init; } = 256;

    /// <summary>Number of request queues when MQ is offered (num_queues); 1 otherwise.</summary>
    public ushort NumQueues { get; init; } = 1;

    /// <summary>size_max: largest segment in bytes (with SIZE_MAX).</summary>
    public uint SizeMax { get; init; } = 1u << 20;

    /// <summary>seg_max: most data segments per request (with SEG_MAX).</summary>
    public uint SegMax { get; init; } = 126;

    /// <summary>geometry (with GEOMETRY).</summary>
    public BlkGeometry Geometry { get; init; } = new(16383, 16, 63);

    /// <summary>blk_size: the optimal logical block size in bytes (with BLK_SIZE).</summary>
    public uint BlkSize { get; init; } = 512;

    /// <summary>topology.physical_block_exp (with TOPOLOGY).</summary>
    public byte PhysicalBlockExp { get; init; }

    /// <summary>topology.alignment_offset (with TOPOLOGY).</summary>
    public byte AlignmentOffset { get; init; }

    /// <summary>topology.min_io_size in blocks (with TOPOLOGY).</summary>
    public ushort MinIoSize { get; init; } = 1;

    /// <summary>topology.opt_io_size in blocks (with TOPOLOGY).</summary>
    public uint OptIoSize { get; init; }

    /// <summary>Writeback mode after negotiation when CONFIG_WCE and FLUSH are both negotiated.</summary>
    public bool InitialWriteback { get; init; } = true;

    /// <summary>max_discard_sectors (with DISCARD).</summary>
    public uint MaxDiscardSectors { get; init; } = 1u << 22;

    /// <summary>max_discard_seg (with DISCARD).</summary>
    public uint MaxDiscardSeg { get; init; } = 32;

    /// <summary>discard_sector_alignment (with DISCARD).</summary>
    public uint DiscardSectorAlignment { get; init; } = 8;

    /// <summary>max_write_zeroes_sectors (with WRITE_ZEROES).</summary>
    public uint MaxWriteZeroesSectors { get; init; } = 1u << 22;

    /// <summary>max_write_zeroes_seg (with WRITE_ZEROES).</summary>
    public uint MaxWriteZeroesSeg { get; init; } = 32;

    /// <summary>write_zeroes_may_unmap (with WRITE_ZEROES).</summary>
    public bool WriteZeroesMayUnmap { get; init; } = true;

    /// <summary>What GET_LIFETIME reports (with LIFETIME).</summary>
    public BlkLifetime Lifetime { get; init; } = new(1, 1, 1);
}
