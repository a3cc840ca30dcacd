using Virtsim.Fleet.Migration;

namespace Virtsim.Fleet.Migrating;

/// <summary>
/// One cell of <see cref="InWorldPreCopySweep"/>: a workload and settings, the analytical model's run and what the
/// actors' migration of the same VM in a simulated world reported, and how far apart they are.
/// </summary>
/// <param name="Workload">The guest.</param>
/// <param name="Settings">The migration's settings.</param>
/// <param name="Model">The analytical model's run.</param>
/// <param name="World">The migration as the world's report has it.</param>
public sealed record InWorldSweepRow(GuestWorkload Workload, MigrationSettings Settings, PreCopyResult Model, MigrationResult World)
{
    /// <summary>The world's rounds minus the model's.</summary>
    public int RoundsDelta => World.Rounds - Model.Rounds;

    /// <summary>|world - model| / model, on memory bytes sent.</summary>
    public double BytesError => PreCopySweepRow.Relative(World.MemoryBytesSent, Model.BytesSent);

    /// <summary>|world - model| / model, on the downtime.</summary>
    public double DowntimeError => PreCopySweepRow.Relative(World.Downtime.Ticks, Model.Downtime.Ticks);

    /// <summary>Where the model's dirty bytes stood against the threshold after the last round both ran (see <see cref="PreCopySweepRow.ThresholdMargin"/>).</summary>
    public double ThresholdMargin => PreCopySweepRow.MarginAfter(Model, Math.Min(Model.Rounds, World.Rounds), Settings);

    /// <summary>True when the world completed the migration and agrees with the model by <see cref="PreCopySweepRow.Agree"/>'s rule.</summary>
    public bool Agrees => World.Outcome == MigrationOutcome.Completed && PreCopySweepRow.Agree(RoundsDelta, BytesError, DowntimeError, ThresholdMargin);
}
