using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Status;

/// <summary>
/// The device side of the device status field (spec §2.1, §3.1.1, §3.4 suspend) as a pure state machine.
/// The driver may only add bits, in order (ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK); writing 0 resets;
/// FAILED may be added at any time; DEVICE_NEEDS_RESET is the device's own bit. A write that breaks these rules
/// is ignored and reported as <see cref="StatusWriteKind.Illegal"/> with a reason; nothing throws.
/// </summary>
public sealed class DeviceStatusMachine
{
    /// <summary>The current status.</summary>
    public DeviceStatus Status { get; private set; }

    /// <summary>Why the device set DEVICE_NEEDS_RESET, or null.</summary>
    public string? NeedsResetReason { get; private set; }

    /// <summary>True when DRIVER_OK is set and neither DEVICE_NEEDS_RESET, FAILED nor SUSPEND is.</summary>
    public bool IsLive => Status.Has(DeviceStatus.DriverOk) &&
        (Status & (DeviceStatus.DeviceNeedsReset | DeviceStatus.Failed | DeviceStatus.Suspend)) == 0;

    /// <summary>
    /// Applies a driver write of <paramref name="value"/>. FEATURES_OK is checked through
    /// <paramref name="negotiation"/> and only sticks when the features are accepted.
    /// </summary>
    public StatusWriteResult Write(byte value, FeatureNegotiation negotiation)
    {
        ArgumentNullException.ThrowIfNull(negotiation);
        if (value == 0)
        {
            Reset();
            return new(StatusWriteKind.Reset, Status);
        }

        var requested = (DeviceStatus)value;
        var current = Status;
        var reserved = requested & ~DeviceStatusExtensions.Defined;
        if (reserved != 0) return Illegal($"reserved status bits 0x{(byte)reserved:x2} written");

        var added = requested & ~current;
        var cleared = current & ~requested;

        // Resume (spec §3.4): the suspended device shows SUSPEND without DRIVER_OK; the driver writes DRIVER_OK back.
        if (current.Has(DeviceStatus.Suspend) && !current.Has(DeviceStatus.DriverOk) && added == DeviceStatus.DriverOk && cleared == 0)
        {
            Status = (current & ~DeviceStatus.Suspend) | DeviceStatus.DriverOk;
            return new(StatusWriteKind.Resumed, Status);
        }

        if (cleared != 0) return Illegal($"driver may not clear {cleared.Describe()} (only writing 0 resets)");
        if (added == 0) return new(StatusWriteKind.Unchanged, Status);
        if (current.Has(DeviceStatus.Failed)) return Illegal("FAILED is set: only a reset (0) is accepted");
        if (added.Has(DeviceStatus.DeviceNeedsReset)) return Illegal("DEVICE_NEEDS_RESET is set by the device, not the driver");

        if (added.Has(DeviceStatus.Failed))
        {
            Status = current | DeviceStatus.Failed;
            return new(StatusWriteKind.Failed, Status);
        }

        if (current.Has(DeviceStatus.DeviceNeedsReset))
            return Illegal($"device needs reset ({NeedsResetReason}): only FAILED or a reset (0) is accepted");

        if (added.Has(DeviceStatus.Suspend))
        {
            if (added != DeviceStatus.Suspend) return Illegal("SUSPEND must be set on its own");
            if (!negotiation.Negotiated.Has(FeatureBit.Suspend)) return Illegal("SUSPEND ignored: VIRTIO_F_SUSPEND was not negotiated");
            if (!current.Has(DeviceStatus.DriverOk)) return Illegal("SUSPEND ignored: the device is not initialised (no DRIVER_OK)");
            Status = (current | DeviceStatus.Suspend) & ~DeviceStatus.DriverOk;
            return new(StatusWriteKind.Suspended, Status);
        }

        if (added.Has(DeviceStatus.Driver) && !requested.Has(DeviceStatus.Acknowledge))
            return Illegal("DRIVER set without ACKNOWLEDGE");
        if (added.Has(DeviceStatus.FeaturesOk) && !requested.Has(DeviceStatus.Acknowledge | DeviceStatus.Driver))
            return Illegal("FEATURES_OK set before ACKNOWLEDGE and DRIVER");
        if (added.Has(DeviceStatus.DriverOk))
        {
            if (!requested.Has(DeviceStatus.Acknowledge | DeviceStatus.Driver))
                return Illegal("DRIVER_OK set before ACKNOWLEDGE and DRIVER");
            if (negotiation.RequireVersion1 && !current.Has(DeviceStatus.FeaturesOk))
                return Illegal(added.Has(DeviceStatus.FeaturesOk)
                    ? "DRIVER_OK set together with FEATURES_OK: the driver must first re-read FEATURES_OK"
                    : "DRIVER_OK set before FEATURES_OK (required with VERSION_1)");
        }

        if (added.Has(DeviceStatus.FeaturesOk))
        {
            var outcome = negotiation.TryAccept();
            if (!outcome.Accepted)
            {
                Status = requested & ~DeviceStatus.FeaturesOk;
                return new(StatusWriteKind.FeaturesRefused, Status, outcome.Reason);
            }
        }

        Status = requested;
        return new(added.Has(DeviceStatus.DriverOk) ? StatusWriteKind.DriverOk : StatusWriteKind.Accepted, Status);
    }

    /// <summary>
    /// The device sets DEVICE_NEEDS_RESET with <paramref name="reason"/>. Returns true when the bit was newly
    /// set (the first reason is kept).
    /// </summary>
    public bool SetNeedsReset(string reason)
    {
        if (Status.Has(DeviceStatus.DeviceNeedsReset)) return false;
        Status |= DeviceStatus.DeviceNeedsReset;
        NeedsResetReason = reason;
        return true;
    }

    /// <summary>Back to 0 (device reset).</summary>
    public void Reset()
    {
        Status = DeviceStatus.None;
        NeedsResetReason = null;
    }

    /// <summary>Restores a saved status and reason (migration).</summary>
    public void Restore(DeviceStatus status, string? needsResetReason)
    {
        Status = status;
        NeedsResetReason = status.Has(DeviceStatus.DeviceNeedsReset) ? needsResetReason ?? "restored" : null;
    }

    private StatusWriteResult Illegal(string reason) => new(StatusWriteKind.Illegal, Status, reason);
}
