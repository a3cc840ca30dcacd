using Akka.Actor;
using Virtsim.Fleet.Workloads;
using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Devices;

/// <summary>
/// Where a net device's frames lost in a crash (of its backend or of the device actor) are reported: to the workload
/// each frame was meant for, as one <see cref="NetWorkloadActor.FramesLost"/> per workload. The workload then counts
/// them as dropped by a crash instead of waiting for them for ever, and the run can end. A frame going out (from the
/// device) is meant for the peer's workload; a frame coming in (to the device) for this device's workload, unless it
/// is a flooded copy addressed to another MAC (that one's own copy reaches its destination through its own port).
/// Holds only immutable data, so the backend and the device actor may share one. A device on another node than its VM
/// (placement) reports to the workloads on the world's node, whose user guardian it is given.
/// </summary>
public sealed class FrameLoss
{
    private readonly byte[] _mac;
    private readonly byte[] _peerMac;
    private readonly string _devicePath;
    private readonly string? _peerPath;
    private readonly ActorPath? _world;

    /// <summary>Creates the reporter of net device <paramref name="plan"/>.</summary>
    /// <param name="plan">The net device.</param>
    /// <param name="world">The user guardian of the node that runs the world (its workloads), or null: this node's.</param>
    public FrameLoss(DevicePlan plan, ActorPath? world = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        _world = world;
        _mac = plan.Mac;
        _peerMac = plan.PeerMac;
        _devicePath = plan.Path;
        _peerPath = plan.PeerPath;
    }

    /// <summary>
    /// Reports <paramref name="frames"/> (each with its direction: true when it was on its way to the device) as lost,
    /// from <paramref name="sender"/>; returns how many were meant for a workload.
    /// </summary>
    public int Report(ActorSystem system, IEnumerable<(byte[] Frame, bool ToDevice)> frames, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(frames);
        List<byte[]>? mine = null, peer = null;
        foreach (var (frame, toDevice) in frames)
        {
            if (frame.Length < 6) continue;
            var destination = frame.AsSpan(0, 6);
            if (toDevice && destination.SequenceEqual(_mac)) (mine ??= []).Add(frame);
            else if (!toDevice && _peerPath is not null && destination.SequenceEqual(_peerMac)) (peer ??= []).Add(frame);
        }
        if (mine is not null) Tell(system, _world, _devicePath, mine, sender);
        if (peer is not null) Tell(system, _world, _peerPath!, peer, sender);
        return (mine?.Count ?? 0) + (peer?.Count ?? 0);
    }

    private static void Tell(ActorSystem system, ActorPath? world, string devicePath, List<byte[]> frames, IActorRef? sender)
    {
        ActorPath app = FleetWorld.WorkloadPath(world ?? system.UserGuardianPath(), devicePath);
        system.ResolveLocal(app).Tell(new NetWorkloadActor.FramesLost(frames), sender);
    }
}
