using System.Globalization;

namespace Virtsim.Fleet.World;

/// <summary>
/// The invariants every run is judged by, derived from its report: each named, held or broken, with a reason. The
/// names are what the JSON summary, the summary table and the swarm's outcomes print.
/// </summary>
public static class RunInvariants
{
    /// <summary>A completed write the driver was promised durable is on the disk after the run.</summary>
    public const string NoAckedWriteLost = "no-acked-write-lost";

    /// <summary>No request or frame completed twice.</summary>
    public const string NoDuplicateCompletion = "no-duplicate-completion";

    /// <summary>
    /// Every request completes (frames: arrive, or are reported lost by a crash or a fault), or its device reports why
    /// not (DEVICE_NEEDS_RESET with a reason, a driver that gave up), within the run's bound (the scenario's
    /// stall-timeout and max-virtual-time).
    /// </summary>
    public const string EveryRequestCompletesOrNeedsReset = "every-request-completes-or-needs-reset";

    /// <summary>Every driver got its device working again after whatever went wrong: every workload finished.</summary>
    public const string DriverRecovers = "driver-recovers";

    /// <summary>Guest memory at a migration's destination equals the source's at the switchover.</summary>
    public const string MemoryEqualAfterMigration = "memory-equal-after-migration";

    /// <summary>No device asked for DMA in an IOMMU domain not its VM's.</summary>
    public const string NoDmaOutsideIommuDomain = "no-dma-outside-iommu-domain";

    /// <summary>Every checksum mismatch is a frame a fault corrupted on purpose, and every such frame was caught.</summary>
    public const string DataIntegrity = "data-integrity";

    /// <summary>Every invariant name, in the order reports list them.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        NoAckedWriteLost, NoDuplicateCompletion, EveryRequestCompletesOrNeedsReset, DriverRecovers, MemoryEqualAfterMigration,
        NoDmaOutsideIommuDomain, DataIntegrity,
    ];

    /// <summary>The invariants of <paramref name="r"/>, in <see cref="Names"/> order.</summary>
    public static IReadOnlyList<RunInvariant> Of(RunReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var list = new List<RunInvariant>(Names.Count)
        {
            r.AckedWritesLost == 0
                ? new(NoAckedWriteLost, true, "every write promised durable is on the disk")
                : new(NoAckedWriteLost, false, F($"{r.AckedWritesLost} blocks miss a write promised durable")),
            r.Duplicates == 0
                ? new(NoDuplicateCompletion, true, "no request or frame completed twice")
                : new(NoDuplicateCompletion, false, F($"{r.Duplicates} completions seen twice")),
            Completes(r),
            Recovers(r),
            r.MemoryMismatches == 0
                ? new(MemoryEqualAfterMigration, true, r.Migrations.Count == 0 ? "no migration" : F($"{r.Migrations.Count} migrations, no page differed"))
                : new(MemoryEqualAfterMigration, false, F($"{r.MemoryMismatches} guest pages differed at switchovers")),
            r.DmaOutsideDomain == 0
                ? new(NoDmaOutsideIommuDomain, true, "every DMA named its VM's domain")
                : new(NoDmaOutsideIommuDomain, false, F($"{r.DmaOutsideDomain} DMA requests named another VM's domain (refused)")),
            Integrity(r),
        };
        return list;
    }

    private static RunInvariant Completes(RunReport r)
    {
        var silent = r.Unfinished.Where(d => r.Failures.All(f => f.Device != d)).ToList();
        if (silent.Count > 0)
            return new(EveryRequestCompletesOrNeedsReset, false,
                F($"{string.Join(", ", silent)} did not finish and reported no reason within the run's bound (virtual time {r.VirtualTime.TotalMilliseconds} ms)"));
        long unexplained = r.Lost - r.AllowedLost;
        if (r.Unfinished.Count == 0 && unexplained != 0)
            return new(EveryRequestCompletesOrNeedsReset, false, F($"{unexplained} requests or frames never completed and were not reported lost"));
        if (r.Unfinished.Count == 0 && r.GaveUp.Count > 0)
            return new(EveryRequestCompletesOrNeedsReset, true,
                F($"{AllowedText(r)}; the requests of {string.Join(", ", r.GaveUp)} were failed by a driver that gave up with the reason: {string.Join("; ", r.Failures.Where(f => r.GaveUp.Contains(f.Device)))}"));
        return r.Unfinished.Count == 0
            ? new(EveryRequestCompletesOrNeedsReset, true, AllowedText(r))
            : new(EveryRequestCompletesOrNeedsReset, true, F($"every unfinished device reported why: {string.Join("; ", r.Failures)}"));
    }

    private static RunInvariant Recovers(RunReport r)
    {
        long recoveries = r.Counters.TryGetValue("DriverRecoveries", out var n) ? n : 0;
        var down = r.Unfinished.Union(r.GaveUp).ToList();
        if (r.Unfinished.Count == 0 && down.Count > 0)
            return new(DriverRecovers, false, F($"{down.Count} devices were given up by their drivers: {string.Join("; ", r.Failures.Where(f => down.Contains(f.Device)))}"));
        return r.Unfinished.Count == 0
            ? new(DriverRecovers, true, F($"every workload finished ({recoveries} driver recoveries)"))
            : new(DriverRecovers, false, F($"{r.Unfinished.Count} devices did not recover: {string.Join("; ", r.Failures.Count > 0 ? r.Failures.Select(f => f.ToString()) : r.Unfinished)}"));
    }

    private static RunInvariant Integrity(RunReport r)
    {
        if (r.IntegrityErrors > r.FramesCorrupted)
            return new(DataIntegrity, false, F($"{r.IntegrityErrors - r.FramesCorrupted} checksum mismatches no fault explains"));
        if (r.IntegrityErrors < r.FramesCorrupted)
            return new(DataIntegrity, false, F($"{r.FramesCorrupted - r.IntegrityErrors} corrupted frames passed the integrity check"));
        return new(DataIntegrity, true, r.FramesCorrupted == 0 ? "no checksum mismatch" : F($"all {r.FramesCorrupted} corrupted frames were caught"));
    }

    private static string AllowedText(RunReport r) =>
        r.AllowedLost == 0 ? "every request completed" : F($"every request completed; frames lost by crashes {r.FramesDroppedByCrash}, dropped by faults {r.FramesDroppedByFaults}, corrupted {r.FramesCorrupted}");

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
