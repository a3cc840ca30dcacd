namespace Virtsim.Fleet.Migration;

/// <summary>
/// The analytical pre-copy model of the issue: a guest writing r pages per second uniformly over a working set of W
/// pages leaves, after a round of length t, <c>W (1 - (1 - 1/W)^(r t))</c> distinct pages dirty (the expected number
/// of distinct pages among r t uniform draws). Rounds follow <see cref="PreCopyRule"/> (and
/// <see cref="AutoConverge"/> when on, which scales r by what the throttle leaves) from round 0, which sends all
/// memory. Gives the rounds, the pages sent, the downtime and the total time to compare a simulation with.
/// </summary>
public static class PreCopyModel
{
    /// <summary>The model's run of <paramref name="workload"/> under <paramref name="settings"/> (bandwidth = the settings' cap).</summary>
    public static PreCopyResult Run(GuestWorkload workload, MigrationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(settings);
        return PreCopyRounds.Run(workload, settings, new Expected(workload));
    }

    /// <summary>
    /// Expected distinct pages after <paramref name="writes"/> uniform page writes over <paramref name="workingSetPages"/>
    /// pages: <c>W (1 - (1 - 1/W)^n)</c>.
    /// </summary>
    public static double DistinctPages(double workingSetPages, double writes)
    {
        if (!(workingSetPages >= 1)) throw new ArgumentOutOfRangeException(nameof(workingSetPages), workingSetPages, "a working set holds at least one page");
        if (!(writes >= 0)) throw new ArgumentOutOfRangeException(nameof(writes), writes, "writes must not be negative");
        if (writes == 0) return 0;
        // 1 - (1 - 1/W)^n = -expm1(n ln(1 - 1/W)), both steps without cancellation, so that a few writes over a huge
        // working set keep their digits. W = 1 gives ln 0 = -inf, e^-inf = 0: one page.
        return workingSetPages * -ExpMinusOne(writes * LogOneMinus(1 / workingSetPages));
    }

    // ln(1 - x) without the rounding of 1 - x for small x (the series to x^5 is exact to 1e-24 relative there).
    private static double LogOneMinus(double x) =>
        x < 1e-4 ? -x * (1 + x * (1.0 / 2 + x * (1.0 / 3 + x * (1.0 / 4 + x / 5)))) : Math.Log(1 - x);

    // e^x - 1 without the cancellation of Math.Exp(x) - 1 near 0 (the series to x^4 is exact to 1e-26 there).
    private static double ExpMinusOne(double x) =>
        Math.Abs(x) < 1e-5 ? x * (1 + x / 2 * (1 + x / 3 * (1 + x / 4))) : Math.Exp(x) - 1;

    private sealed class Expected(GuestWorkload workload) : IRoundDirtying
    {
        public double DirtyDuring(TimeSpan duration, int throttlePercent)
        {
            double writes = AutoConverge.EffectiveRate(workload.DirtyRate, throttlePercent) * duration.Ticks / TimeSpan.TicksPerSecond / GuestDirtier.PageSize;
            return DistinctPages(workload.WorkingSetPages, writes);
        }
    }
}
