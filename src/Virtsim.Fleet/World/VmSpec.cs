namespace Virtsim.Fleet.World;

/// <summary>A VM: its memory size and devices.</summary>
public sealed record VmSpec
{
    /// <summary>The VM's name within its host.</summary>
    public required string Name { get; init; }

    /// <summary>Guest memory in bytes (sparse: only touched pages cost memory).</summary>
    public ulong MemoryBytes { get; init; } = 256UL << 20;

    /// <summary>vCPU time the guest spends per request it submits or completes.</summary>
    public TimeSpan VcpuCostPerRequest { get; init; } = TimeSpan.FromMicroseconds(0.5);

    /// <summary>
    /// The guest's memory writes while a migration watches them (bytes per second, as 4 KiB pages chosen uniformly
    /// over <see cref="WorkingSetBytes"/>): scenario key <c>dirty-rate</c> (a rate, <c>64MiB/s</c>).
    /// </summary>
    public long DirtyRate { get; init; } = 16L << 20;

    /// <summary>The first bytes of memory the guest writes to (scenario key <c>working-set</c>, at most <see cref="MemoryBytes"/>).</summary>
    public long WorkingSetBytes { get; init; } = 64L << 20;

    /// <summary>The VM's devices.</summary>
    public IReadOnlyList<DeviceSpec> Devices { get; init; } = [];
}
