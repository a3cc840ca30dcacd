namespace Virtsim.Fleet.World;

/// <summary>Why one device did not do its part at the end of a run (<see cref="RunReport.Failures"/>).</summary>
/// <param name="Device">"host/vm/device".</param>
/// <param name="Reason">What is wrong, said by the driver or the device, e.g. "driver gave up: the device does not offer VERSION_1".</param>
public sealed record DeviceFailure(string Device, string Reason)
{
    /// <summary>The failures <paramref name="health"/> shows for <paramref name="device"/>; <paramref name="workloadDone"/> says whether its workload finished (then a driver still initialising is no failure).</summary>
    public static IEnumerable<DeviceFailure> Of(string device, DeviceHealth health, bool workloadDone)
    {
        ArgumentNullException.ThrowIfNull(health);
        if (health.DriverFailure is { } gaveUp) yield return new(device, $"driver gave up: {gaveUp}");
        if (health.NeedsResetReason is { } needsReset) yield return new(device, $"device needs a reset: {needsReset}");
        if (health.BackendStopped is { } backend && backend != health.NeedsResetReason) yield return new(device, backend);
        if (health.JournalStopped is { } journal && journal != health.NeedsResetReason) yield return new(device, journal);
        if (!workloadDone && !health.DriverReady && health.DriverFailure is null && health.NeedsResetReason is null)
            yield return new(device, "the driver had not finished initialising the device when the run ended");
    }

    /// <summary>"device: reason".</summary>
    public override string ToString() => $"{Device}: {Reason}";
}
