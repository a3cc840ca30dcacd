namespace Virtsim.Experiments.Conformance;

/// <summary>
/// The spec sections the cases cite, as the virtio specification names them (oasis-tcs/virtio-spec: split-ring.tex,
/// packed-ring.tex, content.tex, device-types/*/description.tex): chapter number, section path, and whether the
/// requirement is on the driver or the device.
/// </summary>
internal static class SpecSections
{
    public const string DeviceStatus = "2.1 Device Status Field: Device Requirements";
    public const string FeatureBits = "2.2 Feature Bits: Driver Requirements";
    public const string SplitVirtqueues = "2.7 Split Virtqueues: Driver Requirements: Virtqueues (alignment and size)";
    public const string MessageFraming = "2.7 Split Virtqueues / Message Framing: Driver Requirements";
    public const string SplitDescriptorTable = "2.7 Split Virtqueues / The Virtqueue Descriptor Table: Driver Requirements";
    public const string SplitIndirect = "2.7 Split Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors: Driver Requirements";
    public const string SplitAvailableRing = "2.7 Split Virtqueues / The Virtqueue Available Ring: Driver Requirements";
    public const string SplitUsedSuppression = "2.7 Split Virtqueues / Used Buffer Notification Suppression: Driver Requirements";
    public const string SplitUsedRing = "2.7 Split Virtqueues / The Virtqueue Used Ring: Device Requirements";
    public const string SplitDescriptorTableDevice = "2.7 Split Virtqueues / The Virtqueue Descriptor Table: Device Requirements";
    public const string PackedVirtqueues = "2.8 Packed Virtqueues: Driver Requirements: Virtqueues (alignment)";
    public const string PackedScatterGather = "2.8 Packed Virtqueues / Scatter-Gather Support: Driver Requirements";
    public const string PackedIndirect = "2.8 Packed Virtqueues / The Virtqueue Descriptor Table / Indirect Descriptors: Driver Requirements";
    public const string PackedDescriptorTableDevice = "2.8 Packed Virtqueues / The Virtqueue Descriptor Table: Device Requirements";
    public const string PackedUsed = "2.8 Packed Virtqueues / Used Buffers (buffer id and length): Device Requirements";
    public const string DeviceInitialization = "3.1.1 Device Initialization: Driver Requirements";
    public const string NetTransmission = "5.1.6.2 Network Device / Device Operation / Packet Transmission: Driver Requirements";
    public const string NetReceiveBuffers = "5.1.6.3 Network Device / Device Operation / Setting Up Receive Buffers: Device Requirements";
    public const string BlkOperation = "5.2.6 Block Device / Device Operation: Driver Requirements";
    public const string BlkOperationDevice = "5.2.6 Block Device / Device Operation: Device Requirements";
    public const string ReservedFeatureBits = "6 Reserved Feature Bits: Driver Requirements";
}
