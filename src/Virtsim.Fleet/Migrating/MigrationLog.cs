using Virtsim.Fleet.Migration;

namespace Virtsim.Fleet.Migrating;

/// <summary>
/// What the run's migrations did, for the report: one <see cref="MigrationResult"/> per migration (in the order they
/// ended), the VMs lost (a source host crashed during post-copy, or a host crashed under its VMs), and the guest memory
/// pages found different at switchovers. Written only by the migration coordinator, read after the run.
/// </summary>
public sealed class MigrationLog
{
    private readonly List<MigrationResult> _results = [];

    /// <summary>Every migration that ended, in the order they ended.</summary>
    public IReadOnlyList<MigrationResult> Results => _results;

    /// <summary>"host/vm" of every VM lost, in the order lost.</summary>
    public List<string> LostVms { get; } = [];

    /// <summary>Devices ("host/vm/device") whose workloads a lost VM took with it before they finished.</summary>
    public List<string> LostWorkloads { get; } = [];

    /// <summary>Guest memory pages that differed between source and destination at switchovers, over all migrations.</summary>
    public long MemoryMismatches { get; internal set; }

    /// <summary>True while some migration's bytes are moving (a long transfer is progress, not a stalled run).</summary>
    public bool Moving { get; internal set; }

    /// <summary>Migrations scheduled that have not ended yet.</summary>
    public int Pending { get; internal set; }

    internal void Add(MigrationResult result) => _results.Add(result);
}
