using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.Vendors;

/// <summary>What a vendor's device gets wrong.</summary>
/// <param name="BrokenFeatures">
/// Features the device offers but implements wrongly: drivers that know the vendor (by subsystem vendor id) mask them.
/// </param>
/// <param name="ForgottenFeatures">Features the device supports but forgets to set in its offer.</param>
public sealed record VendorQuirks(FeatureSet BrokenFeatures, FeatureSet ForgottenFeatures)
{
    /// <summary>No quirks.</summary>
    public static VendorQuirks None { get; } = new(FeatureSet.None, FeatureSet.None);
}
