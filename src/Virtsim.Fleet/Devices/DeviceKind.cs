namespace Virtsim.Fleet.Devices;

/// <summary>The device types the fleet builds.</summary>
public enum DeviceKind : byte
{
    /// <summary>virtio-blk.</summary>
    Blk,
    /// <summary>virtio-net.</summary>
    Net,
}
