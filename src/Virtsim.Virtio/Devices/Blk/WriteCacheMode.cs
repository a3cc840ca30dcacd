namespace Virtsim.Virtio.Devices.Blk;

/// <summary>The volatile write cache mode of a block store (virtio-blk <c>writeback</c> config field).</summary>
public enum WriteCacheMode : byte
{
    /// <summary>A write is durable when it completes (writeback field 0).</summary>
    Writethrough = 0,
    /// <summary>A completed write is durable only after a later FLUSH completes (writeback field 1).</summary>
    Writeback = 1,
}
