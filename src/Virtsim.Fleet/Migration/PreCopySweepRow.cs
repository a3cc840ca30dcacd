namespace Virtsim.Fleet.Migration;

/// <summary>
/// One cell of <see cref="PreCopySweep"/>: a workload and settings, the analytical model's run and the page-level
/// simulation's, and how far apart they are.
/// </summary>
/// <param name="Workload">The guest.</param>
/// <param name="Settings">The migration's settings.</param>
/// <param name="Model">The analytical model's run.</param>
/// <param name="Simulation">The page-level simulation's run.</param>
public sealed record PreCopySweepRow(GuestWorkload Workload, MigrationSettings Settings, PreCopyResult Model, PreCopyResult Simulation)
{
    /// <summary>The largest relative difference on bytes sent and downtime that counts as agreeing: 5%.</summary>
    public const double Tolerance = 0.05;

    /// <summary>Simulation's rounds minus the model's.</summary>
    public int RoundsDelta => Simulation.Rounds - Model.Rounds;

    /// <summary>|simulation - model| / model, on bytes sent.</summary>
    public double BytesError => Relative(Simulation.PagesSent, Model.PagesSent);

    /// <summary>|simulation - model| / model, on the downtime (0 when both are 0).</summary>
    public double DowntimeError => Relative(Simulation.Downtime.Ticks, Model.Downtime.Ticks);

    /// <summary>|simulation - model| / model, on the total time.</summary>
    public double TotalTimeError => Relative(Simulation.TotalTime.Ticks, Model.TotalTime.Ticks);

    /// <summary>
    /// Where the model's dirty bytes stood against the threshold after the last round both ran, as a fraction of the
    /// threshold ((dirty - threshold) / threshold): near 0 the model sits on the threshold, and a random run may fall
    /// on either side of it.
    /// </summary>
    public double ThresholdMargin => MarginAfter(Model, Math.Min(Model.Rounds, Simulation.Rounds), Settings);

    /// <summary>
    /// True when the two agree: the same rounds with bytes sent and downtime within <see cref="Tolerance"/>; or rounds
    /// one apart where the model's dirty bytes are within <see cref="Tolerance"/> of the threshold (the random run
    /// fell on the other side of it, so it took one round more or less: an honest difference, not a model error).
    /// </summary>
    public bool Agrees => Agree(RoundsDelta, BytesError, DowntimeError, ThresholdMargin);

    /// <summary>The rule of <see cref="Agrees"/>, for any run compared with the model (the in-world sweep's too).</summary>
    internal static bool Agree(int roundsDelta, double bytesError, double downtimeError, double thresholdMargin) => roundsDelta == 0
        ? bytesError <= Tolerance && downtimeError <= Tolerance
        : Math.Abs(roundsDelta) == 1 && Math.Abs(thresholdMargin) <= Tolerance;

    /// <summary>(dirty - threshold) / threshold for the model's dirty bytes after its round number <paramref name="rounds"/>.</summary>
    internal static double MarginAfter(PreCopyResult model, int rounds, MigrationSettings settings)
    {
        int last = rounds - 1;
        if (last < 0 || last >= model.RoundLog.Count) return double.PositiveInfinity;
        double threshold = PreCopyRule.ThresholdBytes(settings.Bandwidth, settings.DowntimeLimit);
        double dirty = model.RoundLog[last].PagesDirtied * GuestDirtier.PageSize;
        return threshold == 0 ? double.PositiveInfinity : (dirty - threshold) / threshold;
    }

    internal static double Relative(double actual, double expected) =>
        expected == 0 ? (actual == 0 ? 0 : double.PositiveInfinity) : Math.Abs(actual - expected) / expected;
}
