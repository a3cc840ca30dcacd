using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Devices.Net;

/// <summary>How a virtio-net device presents itself.</summary>
public sealed record NetDeviceOptions
{
    /// <summary>
    /// The device-type feature bits to offer (<see cref="NetFeatureBit"/>). The device moves frames and headers but
    /// computes no checksums or segmentation, so offload bits are off by default.
    /// </summary>
    public FeatureSet DeviceFeatures { get; init; } = FeatureSet.Of(
        NetFeatureBit.Mtu, NetFeatureBit.Mac, NetFeatureBit.MrgRxbuf, NetFeatureBit.Status, NetFeatureBit.CtrlVq,
        NetFeatureBit.CtrlRx, NetFeatureBit.CtrlVlan, NetFeatureBit.GuestAnnounce, NetFeatureBit.Mq,
        NetFeatureBit.CtrlMacAddr, NetFeatureBit.SpeedDuplex);

    /// <summary>The ring and transport feature bits to offer.</summary>
    public FeatureSet RingFeatures { get; init; } = RequestDeviceBase.DefaultRingFeatures;

    /// <summary>The MAC address (6 bytes).</summary>
    public byte[] Mac { get; init; } = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];

    /// <summary>max_virtqueue_pairs when MQ is offered (1..0x8000).</summary>
    public ushort MaxQueuePairs { get; init; } = 1;

    /// <summary>mtu (with MTU).</summary>
    public ushort Mtu { get; init; } = 1500;

    /// <summary>speed in Mbit/s (with SPEED_DUPLEX); 0xFFFFFFFF is unknown.</summary>
    public uint Speed { get; init; } = 10_000;

    /// <summary>duplex (with SPEED_DUPLEX): 0 half, 1 full, 0xFF unknown.</summary>
    public byte Duplex { get; init; } = 1;

    /// <summary>Link state at creation.</summary>
    public bool LinkUp { get; init; } = true;

    /// <summary>Largest virtqueue size.</summary>
    public ushort QueueSize { get; init; } = 256;

    /// <summary>Largest frame accepted for transmission (bytes after the header); longer ones are dropped.</summary>
    public int MaxFrameSize { get; init; } = 65_550;

    /// <summary>
    /// Hash types enabled at reset for HASH_REPORT. The spec starts with none (only HASH_CONFIG enables them);
    /// a non-zero value here is a deliberate deviation for drivers without a control queue.
    /// </summary>
    public uint InitialHashTypes { get; init; }
}
