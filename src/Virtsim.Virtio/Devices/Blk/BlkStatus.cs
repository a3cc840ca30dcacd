namespace Virtsim.Virtio.Devices.Blk;

/// <summary>virtio-blk request status byte values (spec §5.2.6, <c>VIRTIO_BLK_S_*</c>).</summary>
public static class BlkStatus
{
    /// <summary>Success.</summary>
    public const byte Ok = 0;
    /// <summary>Device or driver error.</summary>
    public const byte IoErr = 1;
    /// <summary>Request unsupported by the device.</summary>
    public const byte Unsupp = 2;
}
