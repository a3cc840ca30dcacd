namespace Virtsim.Fleet.Migration;

/// <summary>
/// The auto-converge throttle as a state machine, after QEMU (migration/ram.c: migration_bitmap_sync,
/// migration_trigger_throttle, mig_throttle_guest_down). At each sync of the dirty log (the end of a round) the caller
/// reports how long the round took, the bytes it found dirtied and the bytes it sent. Those add up into a period;
/// once a sync ends a period longer than <see cref="Period"/> (1 s), the period counts as "high" when the bytes
/// dirtied in it exceed <c>throttle-trigger-threshold</c> percent (50) of the bytes sent in it, i.e. the rounds
/// stopped shrinking by half. The second high period (not necessarily consecutive: QEMU never resets the count on a
/// low one) starts the throttle at <c>cpu-throttle-initial</c> (20%) or raises it by <c>cpu-throttle-increment</c>
/// (10) up to <c>max-cpu-throttle</c> (99), and the count starts again.
/// </summary>
/// <remarks>
/// The throttle takes that percentage of the guest's CPU time away, so a guest whose writes follow its CPU time
/// dirties at <c>rate x (1 - throttle)</c> (<see cref="EffectiveRate(double)"/>). Not modelled: QEMU's optional
/// <c>cpu-throttle-tailslow</c> (smaller steps near the target) and dirty-limit. Here the initial value is capped
/// by the maximum too (QEMU would set it unchecked). Not thread-safe: one per migration.
/// </remarks>
public sealed class AutoConverge
{
    /// <summary>QEMU evaluates the trigger at a sync more than one second after the period began.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly int _initial;
    private readonly int _increment;
    private readonly int _max;
    private readonly int _trigger;
    private TimeSpan _periodElapsed;
    private double _periodDirtied;
    private double _periodSent;

    /// <summary>Creates the state machine with QEMU's parameters (defaults 20, 10, 99, 50); throttle off.</summary>
    public AutoConverge(int initialPercent = 20, int incrementPercent = 10, int maxPercent = 99, int triggerThresholdPercent = 50)
    {
        var reasons = new MigrationSettings
        {
            ThrottleInitialPercent = initialPercent, ThrottleIncrementPercent = incrementPercent,
            MaxThrottlePercent = maxPercent, ThrottleTriggerThresholdPercent = triggerThresholdPercent,
        }.Validate();
        if (reasons.Count > 0) throw new ArgumentException(string.Join("; ", reasons));
        (_initial, _increment, _max, _trigger) = (initialPercent, incrementPercent, maxPercent, triggerThresholdPercent);
    }

    /// <summary>The state machine for <paramref name="settings"/>'s throttle parameters (whether or not auto-converge is on).</summary>
    public static AutoConverge For(MigrationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new AutoConverge(settings.ThrottleInitialPercent, settings.ThrottleIncrementPercent,
            settings.MaxThrottlePercent, settings.ThrottleTriggerThresholdPercent);
    }

    /// <summary>The guest throttle now, in percent of its CPU time taken away (0 before the first step).</summary>
    public int ThrottlePercent { get; private set; }

    /// <summary>True once the throttle has started.</summary>
    public bool Active => ThrottlePercent > 0;

    /// <summary>High periods counted toward the next step (0 or 1; QEMU's <c>dirty_rate_high_cnt</c>).</summary>
    public int HighPeriods { get; private set; }

    /// <summary>How many times the throttle was started or raised (at the ceiling a step changes nothing but still counts).</summary>
    public int Steps { get; private set; }

    /// <summary>
    /// Reports a sync: <paramref name="sinceLastSync"/> of time in which <paramref name="bytesDirtied"/> were found
    /// dirty and <paramref name="bytesSent"/> were sent. Returns true when this sync started or raised the throttle.
    /// </summary>
    public bool OnSync(TimeSpan sinceLastSync, double bytesDirtied, double bytesSent)
    {
        if (sinceLastSync < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(sinceLastSync), sinceLastSync, "time must not go backwards");
        if (!(bytesDirtied >= 0)) throw new ArgumentOutOfRangeException(nameof(bytesDirtied), bytesDirtied, "bytes dirtied must not be negative");
        if (!(bytesSent >= 0)) throw new ArgumentOutOfRangeException(nameof(bytesSent), bytesSent, "bytes sent must not be negative");
        _periodElapsed += sinceLastSync;
        _periodDirtied += bytesDirtied;
        _periodSent += bytesSent;
        if (_periodElapsed <= Period) return false;

        bool high = _periodDirtied > _periodSent * _trigger / 100;
        (_periodElapsed, _periodDirtied, _periodSent) = (TimeSpan.Zero, 0, 0);
        if (!high || ++HighPeriods < 2) return false;
        HighPeriods = 0;
        ThrottlePercent = Active ? Math.Min(ThrottlePercent + _increment, _max) : Math.Min(_initial, _max);
        Steps++;
        return true;
    }

    /// <summary>The guest's dirty rate under the current throttle: <c>rate x (1 - throttle)</c>.</summary>
    public double EffectiveRate(double dirtyRate) => EffectiveRate(dirtyRate, ThrottlePercent);

    /// <summary><c>rate x (1 - throttlePercent / 100)</c>.</summary>
    public static double EffectiveRate(double dirtyRate, int throttlePercent)
    {
        if (throttlePercent is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(throttlePercent), throttlePercent, "a throttle is a percentage");
        return dirtyRate * (100 - throttlePercent) / 100;
    }
}
