namespace Virtsim.Virtio.Devices.Blk;

/// <summary>virtio-blk request types (spec §5.2.6, <c>VIRTIO_BLK_T_*</c>).</summary>
public static class BlkRequestType
{
    /// <summary>Read sectors into the writable data.</summary>
    public const uint In = 0;
    /// <summary>Write the readable data to sectors.</summary>
    public const uint Out = 1;
    /// <summary>Make completed writes durable.</summary>
    public const uint Flush = 4;
    /// <summary>Fetch the 20-byte device ID string.</summary>
    public const uint GetId = 8;
    /// <summary>Fetch the storage lifetime information.</summary>
    public const uint GetLifetime = 10;
    /// <summary>Discard ranges of sectors.</summary>
    public const uint Discard = 11;
    /// <summary>Write zeroes to ranges of sectors.</summary>
    public const uint WriteZeroes = 13;
    /// <summary>Securely erase ranges of sectors (not supported here: UNSUPP).</summary>
    public const uint SecureErase = 14;
}
