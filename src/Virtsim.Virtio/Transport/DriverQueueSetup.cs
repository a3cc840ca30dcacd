namespace Virtsim.Virtio.Transport;

/// <summary>What a driver programs for one virtqueue during initialisation.</summary>
/// <param name="Index">Queue index.</param>
/// <param name="Size">Queue size (at most the device's maximum).</param>
/// <param name="DescriptorArea">Descriptor area guest address.</param>
/// <param name="DriverArea">Driver area guest address.</param>
/// <param name="DeviceArea">Device area guest address.</param>
/// <param name="MsixVector">MSI-X vector to map (PCI only; NO_VECTOR for none).</param>
public readonly record struct DriverQueueSetup(int Index, ushort Size, ulong DescriptorArea, ulong DriverArea, ulong DeviceArea,
    ushort MsixVector = MsixVector.NoVector);
