using Virtsim.Virtio.Transport;

namespace Virtsim.Fleet.Persistence;

/// <summary>
/// What a device actor journals to come back after a crash: the vendor profile it was built as (checked on recovery),
/// the core model's state (status, features, config generation, every queue's registers; the rings' own positions are
/// not in it, see <see cref="DeviceRecovery"/>), the MSI-X vectors the driver enabled, the driver to interrupt and
/// the incarnation (bumped at each recovery, it keeps the tags of a new incarnation apart from an old one's).
/// </summary>
/// <param name="Profile">The vendor profile name.</param>
/// <param name="Model">The model's state, with no <see cref="Virtsim.Virtio.Queues.QueueState"/> in its queues.</param>
/// <param name="MsixVectors">MSI-X vectors enabled (0: none, or MMIO).</param>
/// <param name="DriverPath">The driver actor's path, or null before it spoke.</param>
/// <param name="Incarnation">0 for the first incarnation, then one more at every recovery.</param>
public sealed record DeviceImage(string Profile, DeviceModelState Model, int MsixVectors, string? DriverPath, long Incarnation)
{
    /// <summary>
    /// True for the image a device writes when a live migration stops it: the device was alive and stopped in order,
    /// so its queues' <see cref="Virtsim.Virtio.Queues.QueueState"/>s are in it, with the ring positions (split: the last
    /// available index; packed: the index and wrap counters), and the destination's device restores them exactly.
    /// </summary>
    public bool MigrationSnapshot { get; init; }
}

/// <summary>The device's state journal wrote a <see cref="DeviceImage"/> (in the order they were sent).</summary>
public sealed class DeviceImageRecorded
{
    /// <summary>The only instance.</summary>
    public static DeviceImageRecorded Instance { get; } = new();

    private DeviceImageRecorded() { }
}

/// <summary>The device's state journal finished recovery: the latest image, or null when the journal was empty.</summary>
/// <param name="Image">The latest image.</param>
public sealed record DeviceStateRecovered(DeviceImage? Image);
