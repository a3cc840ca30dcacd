namespace Virtsim.VhostUser.Backend;

/// <summary>The device types <see cref="VhostUserServer"/> can serve.</summary>
public enum VhostUserDeviceKind : byte
{
    /// <summary>virtio-net.</summary>
    Net,
    /// <summary>virtio-blk.</summary>
    Blk,
}
