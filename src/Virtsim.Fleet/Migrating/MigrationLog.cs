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

    /// <summary>Bytes each link carried over time, in 1 ms buckets of virtual time.</summary>
    public LinkUsage LinkUsage { get; } = new(TimeSpan.TicksPerMillisecond);

    /// <summary>The links of the fleet (names for <see cref="LinkUsage"/>); set by the coordinator.</summary>
    public FleetLinks? Links { get; internal set; }

    /// <summary>When each migration of <see cref="Results"/> started (virtual time), in the same order.</summary>
    public IReadOnlyList<TimeSpan> Starts => _starts;

    /// <summary>What each migration wave did, in the order of <c>waves</c>.</summary>
    public List<Waves.WaveResult> Waves { get; } = [];

    private readonly List<TimeSpan> _starts = [];

    internal void Add(MigrationResult result, TimeSpan start)
    {
        _results.Add(result);
        _starts.Add(start);
    }
}
