using Virtsim.Virtio.Features;

namespace Virtsim.Experiments.Interop;

/// <summary>What a driver's feature negotiation came to.</summary>
/// <param name="Accepted">True when FEATURES_OK stuck.</param>
/// <param name="Offered">What the device offered.</param>
/// <param name="Negotiated">What the driver wrote (the offer, less what it did not want, less what it masked).</param>
/// <param name="Masked">Offered and wanted, but masked by the driver's quirk table for this device.</param>
/// <param name="Reason">Why negotiation failed; null when it succeeded.</param>
public sealed record Negotiation(bool Accepted, FeatureSet Offered, FeatureSet Negotiated, FeatureSet Masked, string? Reason);
