namespace Virtsim.Fleet.World;

/// <summary>
/// A <c>{ kind = clock-skew, hosts = [...], from, until, offset, drift }</c> fault: the clocks of the named hosts run
/// off true virtual time. At <see cref="From"/> each steps <see cref="Offset"/> ahead (behind when negative), and from
/// then until <see cref="Until"/> it runs <see cref="Drift"/> times as fast as true time; after <see cref="Until"/> it
/// runs true again, keeping what it gained (no step back). What runs on a host's clock: the timers its actors set for
/// themselves (docs/faults.md).
/// </summary>
/// <param name="Hosts">The hosts whose clocks are skewed.</param>
/// <param name="From">When the skew starts (virtual time).</param>
/// <param name="Until">When the drift ends (<see cref="TimeSpan.MaxValue"/>: never).</param>
/// <param name="Offset">The step at <see cref="From"/>: positive, the clock jumps ahead and pending timers fire that much earlier.</param>
/// <param name="Drift">Host seconds per true second in the window (more than 0; 1: no drift; 1.5 fires timers at 2/3 of their delay).</param>
public sealed record ClockSkewSpec(IReadOnlyList<string> Hosts, TimeSpan From, TimeSpan Until, TimeSpan Offset, double Drift)
{
    /// <summary>
    /// The true virtual time that passes while a skewed host's clock counts <paramref name="delay"/>, starting at true
    /// time <paramref name="now"/>: the delay at rate 1 outside [<see cref="From"/>, <see cref="Until"/>) and at
    /// <see cref="Drift"/> inside it. Pure; <paramref name="delay"/> itself when <see cref="Drift"/> is 1.
    /// </summary>
    public TimeSpan VirtualDelay(TimeSpan now, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero || Drift == 1) return delay;
        long t = now.Ticks, remaining = delay.Ticks, passed = 0;
        if (t < From.Ticks)
        {
            long before = From.Ticks - t;
            if (remaining <= before) return delay;
            passed = before;
            remaining -= before;
            t = From.Ticks;
        }
        if (t < Until.Ticks)
        {
            // Host ticks the window still holds; a window without end holds any delay.
            double inWindow = (Until.Ticks - (double)t) * Drift;
            // Never 0: a timer set for later comes after the present turn.
            if (remaining <= inWindow) return new TimeSpan(Math.Max(1, passed + (long)Math.Round(remaining / Drift)));
            return new TimeSpan(passed + (Until.Ticks - t) + (long)Math.Round(remaining - inWindow));
        }
        return new TimeSpan(passed + remaining);
    }
}
