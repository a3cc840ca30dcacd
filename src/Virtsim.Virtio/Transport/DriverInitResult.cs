using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;

namespace Virtsim.Virtio.Transport;

/// <summary>The typed outcome of a driver initialisation.</summary>
/// <param name="Outcome">Succeeded or why not.</param>
/// <param name="Negotiated">The features written (and accepted when FEATURES_OK stuck).</param>
/// <param name="FinalStatus">The device status read at the end (FAILED set on failure).</param>
/// <param name="Reason">Why it failed; null on success.</param>
public readonly record struct DriverInitResult(DriverInitOutcome Outcome, FeatureSet Negotiated, DeviceStatus FinalStatus, string? Reason = null)
{
    /// <summary>True when the device is live.</summary>
    public bool Succeeded => Outcome == DriverInitOutcome.Succeeded;
}
