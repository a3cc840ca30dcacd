using Virtsim.VhostUser.Backend;
using Virtsim.Virtio.Queues;

namespace Virtsim.Experiments.Conformance;

/// <summary>
/// One violation of a MUST of the virtio spec, small and self-describing: which requirement it breaks (the spec's
/// section and the requirement in short), who breaks it (<see cref="Side"/>), on which ring format and device kinds it
/// applies, and how: a hostile driver's writes (<see cref="Inject"/>) or a hostile device's fault (<see cref="Fault"/>).
/// </summary>
/// <param name="Id">Stable identifier (split.desc-loop, packed.indirect-nested, device.split.used-id-out-of-range, ...).</param>
/// <param name="Title">What the violation does, in one line.</param>
/// <param name="Section">The spec section broken, as the spec names it (virtio 1.3, oasis-tcs/virtio-spec).</param>
/// <param name="Requirement">The requirement, in short.</param>
/// <param name="Side">Who breaks the spec: Virtsim as driver or as device.</param>
/// <param name="Format">The ring format, or null when the case does not depend on it (it then runs on split rings).</param>
/// <param name="Devices">The device kinds it applies to.</param>
public sealed record ConformanceCase(
    string Id, string Title, string Section, string Requirement, ViolationSide Side, QueueFormat? Format,
    IReadOnlyList<VhostUserDeviceKind> Devices)
{
    /// <summary>What the hostile driver negotiates first.</summary>
    internal DriverSetup Setup { get; init; } = DriverSetup.Default;

    /// <summary>Driver cases: the violation, written into a fresh target ring (or sent as requests).</summary>
    internal Action<HostileDriver>? Inject { get; init; }

    /// <summary>Device cases: the fault the hostile device commits.</summary>
    internal DeviceFault? Fault { get; init; }

    /// <summary>The ring format the case runs on.</summary>
    public QueueFormat RunFormat => Format ?? QueueFormat.Split;

    /// <summary>True when the case applies to <paramref name="peer"/> (its side and one of its device kinds).</summary>
    public bool AppliesTo(ConformancePeer peer) => peer.HostileSide() == Side && Devices.Any(d => peer.Devices().Contains(d));

    /// <summary>The device kind the case uses against <paramref name="peer"/>: net when both apply.</summary>
    public VhostUserDeviceKind DeviceFor(ConformancePeer peer) => Devices.First(d => peer.Devices().Contains(d));
}
