namespace Virtsim.Virtio.Transport;

/// <summary>The three guest-physical areas of a virtqueue a driver programs.</summary>
public enum QueueArea : byte
{
    /// <summary>queue_desc / QueueDesc: descriptor table (split) or ring (packed).</summary>
    Descriptor,
    /// <summary>queue_driver / QueueDriver: available ring (split) or driver event suppression (packed).</summary>
    Driver,
    /// <summary>queue_device / QueueDevice: used ring (split) or device event suppression (packed).</summary>
    Device,
}
