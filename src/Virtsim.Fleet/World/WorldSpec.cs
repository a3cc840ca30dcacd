namespace Virtsim.Fleet.World;

/// <summary>A whole simulated world: hosts, their VMs and devices, all on one L2 network.</summary>
public sealed record WorldSpec
{
    /// <summary>The scenario's name.</summary>
    public string Name { get; init; } = "world";

    /// <summary>The seed used when the command line gives none.</summary>
    public int DefaultSeed { get; init; } = 1;

    /// <summary>The hosts.</summary>
    public IReadOnlyList<HostSpec> Hosts { get; init; } = [];

    /// <summary>One-way latency of the simulated switch.</summary>
    public TimeSpan SwitchLatency { get; init; } = TimeSpan.FromMicroseconds(1);

    /// <summary>Virtual time after which a run gives up.</summary>
    public TimeSpan MaxVirtualTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A run that completes no request for this long (virtual time) is stuck and stops.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Faults scheduled in virtual time (only simulation runs, <see cref="FleetRunner.Run(WorldSpec, int, System.Action{RunProgress}?, System.Action{FleetWorld, Virtsim.Simulation.Engine.Simulator}?)"/>, inject them).</summary>
    public IReadOnlyList<FaultSpec> Faults { get; init; } = [];

    /// <summary>Nodes killed during a run on nodes (<c>kind = node-crash</c>); a run without nodes refuses them.</summary>
    public IReadOnlyList<NodeCrashSpec> NodeCrashes { get; init; } = [];

    /// <summary>
    /// Message faults (<c>faults</c> entries with <c>kind = message</c>): drops, delays, duplicates, reorders and
    /// corruptions on the simulation's delivery path (simulation runs only; docs/faults.md).
    /// </summary>
    public IReadOnlyList<MessageFaults.MessageFaultSpec> MessageFaults { get; init; } = [];

    /// <summary>
    /// Clock skews (<c>faults</c> entries with <c>kind = clock-skew</c>): hosts whose actors' timers run on a clock off
    /// true virtual time (simulation runs only; docs/faults.md).
    /// </summary>
    public IReadOnlyList<ClockSkewSpec> ClockSkews { get; init; } = [];

    /// <summary>Live migrations, in the order written (scenario key <c>migrations</c>).</summary>
    public IReadOnlyList<MigrationSpec> Migrations { get; init; } = [];

    /// <summary>Devices switched to another implementation on their host (scenario key <c>device-switches</c>).</summary>
    public IReadOnlyList<DeviceSwitchSpec> DeviceSwitches { get; init; } = [];

    /// <summary>Hosts in racks behind top-of-rack switches and a spine (scenario block <c>racks</c>); null: every host on one switch.</summary>
    public RackLayout? Racks { get; init; }

    /// <summary>Migration waves (scenario key <c>waves</c>), each with the moves its planner chose.</summary>
    public IReadOnlyList<Waves.WaveSpec> Waves { get; init; } = [];

    /// <summary>
    /// True when devices and backends journal their state (scenario <c>persistence = true</c>, or implied by a
    /// <c>device-crash</c> fault): runs then need a <see cref="Persistence.FleetPersistence"/> (in memory when none is given).
    /// </summary>
    public bool Persistent { get; init; }

    /// <summary>Where a cluster run puts devices and blk backends (scenario key <c>placement</c>); runs in one process ignore it.</summary>
    public PlacementSpec Placement { get; init; } = PlacementSpec.None;

    /// <summary>True when <see cref="Placement"/> puts some device or blk backend apart from its host.</summary>
    public bool PlacesActors => Placement.PlacesAnything(AllDevices().Select(x => ($"{x.Host.Name}/{x.Vm.Name}/{x.Device.Name}", x.Device.Kind == Devices.DeviceKind.Blk)));

    /// <summary>Every device with the host and VM it belongs to, in world order.</summary>
    public IEnumerable<(HostSpec Host, VmSpec Vm, DeviceSpec Device)> AllDevices() =>
        from h in Hosts from v in h.Vms from d in v.Devices select (h, v, d);
}
