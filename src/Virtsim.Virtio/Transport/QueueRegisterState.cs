using Virtsim.Virtio.Queues;

namespace Virtsim.Virtio.Transport;

/// <summary>A saved copy of one queue's registers (and its device-side state while enabled).</summary>
/// <param name="Index">Queue index.</param>
/// <param name="Size">queue_size / QueueNum.</param>
/// <param name="Enabled">queue_enable / QueueReady.</param>
/// <param name="DescriptorArea">Descriptor area address.</param>
/// <param name="DriverArea">Driver area address.</param>
/// <param name="DeviceArea">Device area address.</param>
/// <param name="MsixVector">queue_msix_vector.</param>
/// <param name="Queue">The device queue's own state while enabled, else null.</param>
public sealed record QueueRegisterState(int Index, ushort Size, bool Enabled, ulong DescriptorArea, ulong DriverArea, ulong DeviceArea, ushort MsixVector, QueueState? Queue);
