namespace Virtsim.Virtio.Devices.Blk;

/// <summary>Legacy disk geometry reported with VIRTIO_BLK_F_GEOMETRY.</summary>
/// <param name="Cylinders">Cylinder count.</param>
/// <param name="Heads">Heads per cylinder.</param>
/// <param name="Sectors">Sectors per track.</param>
public readonly record struct BlkGeometry(ushort Cylinders, byte Heads, byte Sectors);
