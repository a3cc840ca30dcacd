namespace Virtsim.Fleet.World;

/// <summary>Where a run stands, reported between slices of virtual time.</summary>
/// <param name="WorkloadsDone">Workloads finished.</param>
/// <param name="Workloads">Workloads in the world.</param>
/// <param name="Requests">Requests completed so far.</param>
/// <param name="VirtualTime">Virtual time so far.</param>
public readonly record struct RunProgress(int WorkloadsDone, int Workloads, long Requests, TimeSpan VirtualTime)
{
    /// <summary>Migrations that ended (waves' VMs they could not place included).</summary>
    public int MigrationsDone { get; init; }

    /// <summary>Migrations the run has planned (scenario migrations, device switches and the waves' VMs).</summary>
    public int Migrations { get; init; }
}
