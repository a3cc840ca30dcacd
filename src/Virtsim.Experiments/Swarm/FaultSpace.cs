namespace Virtsim.Experiments.Swarm;

/// <summary>
/// What a swarm may break in one scenario: its devices ("host/vm/device") with crashes and message faults, its hosts, whether host faults apply
/// (only in a world with migrations: a crashed or cut-off host is a migration fault there, and elsewhere it just loses
/// its VMs, which is no finding), and the latest time a fault may fire (the scenario's max-virtual-time).
/// </summary>
/// <param name="Devices">Device paths as "host/vm/device".</param>
/// <param name="Hosts">Host names.</param>
/// <param name="HostFaults">True when host-crash, link-failure and refuse-device-state apply (the scenario migrates VMs).</param>
/// <param name="MaxTime">The scenario's max-virtual-time: every fault fires before it.</param>
public sealed record FaultSpace(IReadOnlyList<string> Devices, IReadOnlyList<string> Hosts, bool HostFaults, TimeSpan MaxTime)
{
    /// <summary>The devices that negotiate the packed ring (no available index to corrupt); the others use split rings.</summary>
    public IReadOnlySet<string> PackedRingDevices { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The longest an <c>iommu-unmap</c> keeps a device's window unmapped (a short outage its driver recovers from).</summary>
    public static readonly TimeSpan MaxUnmap = TimeSpan.FromMilliseconds(1);

    /// <summary>The earliest time a drawn fault fires (a log-uniform draw needs a positive lower end).</summary>
    public static readonly TimeSpan MinTime = TimeSpan.FromMicroseconds(1);

    /// <summary>The fault kinds that apply, as a scenario file spells them.</summary>
    public IReadOnlyList<string> Kinds =>
        HostFaults && Hosts.Count > 0
            ? Devices.Count > 0 ? [.. DeviceKinds, FaultKinds.RefuseDeviceState, FaultKinds.HostCrash, FaultKinds.LinkFailure] : [FaultKinds.HostCrash, FaultKinds.LinkFailure]
            : Devices.Count > 0 ? DeviceKinds : [];

    private static readonly string[] DeviceKinds =
        [FaultKinds.DeviceCrash, FaultKinds.BackendCrash, FaultKinds.Message, FaultKinds.IommuUnmap, FaultKinds.CorruptMemory];

    /// <summary>The smallest chance a drawn message fault takes a message with.</summary>
    public const double MinProbability = 0.001;

    /// <summary>The largest chance a drawn message fault takes a message with.</summary>
    public const double MaxProbability = 0.1;

    /// <summary>The longest delay a drawn <c>delay</c> fault holds a message for.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(1);
}
