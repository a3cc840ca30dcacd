namespace Virtsim.Fleet.Migration;

/// <summary>
/// How many distinct pages a guest leaves dirty during a round: the one thing the analytical model and the
/// page-level simulation do differently while <see cref="PreCopyRounds"/> runs the same rounds for both.
/// </summary>
internal interface IRoundDirtying
{
    /// <summary>Distinct pages dirty at the sync after a round of <paramref name="duration"/> at the given throttle.</summary>
    double DirtyDuring(TimeSpan duration, int throttlePercent);
}
