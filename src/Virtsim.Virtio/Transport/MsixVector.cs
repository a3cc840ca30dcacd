namespace Virtsim.Virtio.Transport;

/// <summary>MSI-X vector constants (spec §4.1.5.1.2).</summary>
public static class MsixVector
{
    /// <summary>VIRTIO_MSI_NO_VECTOR: no vector mapped, and the read-back value of a vector that cannot be mapped.</summary>
    public const ushort NoVector = 0xFFFF;
}
