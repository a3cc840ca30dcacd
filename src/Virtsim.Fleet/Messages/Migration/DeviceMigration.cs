using Akka.Actor;
using Virtsim.Virtio.Transport;

namespace Virtsim.Fleet.Messages.Migration;

/// <summary>To a device actor: what the device negotiated and holds now (a migration checks the destination against it before it starts).</summary>
public sealed class QueryMigrationState
{
    /// <summary>The only instance.</summary>
    public static QueryMigrationState Instance { get; } = new();

    private QueryMigrationState() { }
}

/// <summary>A device's answer to <see cref="QueryMigrationState"/>.</summary>
/// <param name="Device">The device's name in its VM.</param>
/// <param name="State">The core model's state (features offered and negotiated, status, queue registers).</param>
public sealed record DeviceMigrationState(string Device, DeviceModelState State);

/// <summary>
/// To a device actor at the migration's source: stop as the device's kind allows and write the migration snapshot of
/// its state to its journal (<see cref="Persistence.DeviceImage.MigrationSnapshot"/>), then answer <see cref="DeviceStopped"/>.
/// </summary>
/// <param name="ReplyTo">The migration.</param>
public sealed record StopForMigration(IActorRef ReplyTo);

/// <summary>A device stopped for migration and its snapshot is durable.</summary>
/// <param name="Device">The device's name in its VM.</param>
/// <param name="StateBytes">The snapshot's size as journaled (the device state the migration moves).</param>
/// <param name="Resubmitted">Requests in flight handed over for resubmission at the destination (software backends).</param>
/// <param name="Drained">Requests finished and written back before the snapshot (hardware devices).</param>
public sealed record DeviceStopped(string Device, long StateBytes, int Resubmitted, int Drained);

/// <summary>To a stopped device: serve again (at the source after a failed or rolled-back migration; at the destination after the switchover).</summary>
public sealed class ResumeAfterMigration
{
    /// <summary>The only instance.</summary>
    public static ResumeAfterMigration Instance { get; } = new();

    private ResumeAfterMigration() { }
}

/// <summary>To a source device after the switchover: the VM left; frames it still holds are lost by migration; it stops.</summary>
public sealed class ReleaseDevice
{
    /// <summary>The only instance.</summary>
    public static ReleaseDevice Instance { get; } = new();

    private ReleaseDevice() { }
}

/// <summary>To a device actor: relay (or stop relaying) its rings through a shadow virtqueue, at a per-request cost.</summary>
/// <param name="On">True from the start of a migration to its end.</param>
public sealed record ShadowVirtqueue(bool On);

/// <summary>
/// How a device actor at a migration's destination starts: it recovers the source's migration snapshot from the
/// device's journal, restores it (refusing, without any change, when the features or queues do not fit, or when
/// <see cref="Refuse"/> says so), answers <see cref="DeviceAdopted"/> to <see cref="Migration"/>, and serves only after
/// <see cref="ResumeAfterMigration"/>.
/// </summary>
/// <param name="Migration">Who hears whether the state was taken.</param>
/// <param name="Device">The device's name in its VM.</param>
/// <param name="Refuse">A scenario fault: refuse the state with this reason.</param>
public sealed record IncomingMigration(IActorRef Migration, string Device, string? Refuse = null);

/// <summary>A destination device restored the migration snapshot (or refused it, unchanged, with the reason).</summary>
/// <param name="Device">The device's name in its VM.</param>
/// <param name="Reason">Why it refused, or null when it took the state.</param>
public sealed record DeviceAdopted(string Device, string? Reason)
{
    /// <summary>True when the device took the state.</summary>
    public bool Ok => Reason is null;
}

/// <summary>
/// From a device at a migration's source to the migration: it crashed while stopping for it. With
/// <paramref name="StateSaved"/> its migration snapshot was already durable (the destination recovers from it and the
/// crashed device stays down); without, it restarts from its journal at the source and the migration cannot go on.
/// </summary>
/// <param name="Device">The device's name in its VM.</param>
/// <param name="StateSaved">True when the crash came after the snapshot was durable.</param>
public sealed record SourceDeviceCrashed(string Device, bool StateSaved);

/// <summary>
/// To a switched device's old implementation at a device switch's switchover (same host, no network change): the frames
/// it holds are part of the device's state and move to <paramref name="Successor"/> (<see cref="MovedFrames"/>); then it stops.
/// </summary>
/// <param name="Successor">The device's new implementation.</param>
public sealed record HandOverDevice(IActorRef Successor);

/// <summary>
/// To a switched device's new implementation: frames its old implementation held. <paramref name="Received"/> had
/// arrived for the guest and wait for receive buffers here; <paramref name="Transmitted"/> were sent by the guest and
/// go out through this device's backend.
/// </summary>
/// <param name="Received">Frames for the guest, in arrival order.</param>
/// <param name="Transmitted">Frames from the guest, in transmit order.</param>
public sealed record MovedFrames(IReadOnlyList<byte[]> Received, IReadOnlyList<byte[]> Transmitted);
