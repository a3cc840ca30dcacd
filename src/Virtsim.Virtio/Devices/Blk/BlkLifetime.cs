namespace Virtsim.Virtio.Devices.Blk;

/// <summary>The answer to VIRTIO_BLK_T_GET_LIFETIME (<c>struct virtio_blk_lifetime</c>, 6 bytes).</summary>
/// <param name="PreEolInfo">0 undefined, 1 normal, 2 warning (80% of reserved blocks used), 3 urgent (90%).</param>
/// <param name="LifetimeEstimateA">SLC wear in 10% steps: 0 undefined, 1..10, 11 exceeded.</param>
/// <param name="LifetimeEstimateB">MLC wear, same scale.</param>
public readonly record struct BlkLifetime(ushort PreEolInfo, ushort LifetimeEstimateA, ushort LifetimeEstimateB);
