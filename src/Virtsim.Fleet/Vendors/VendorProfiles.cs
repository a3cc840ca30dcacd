using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.Vendors;

/// <summary>
/// The built-in vendor profiles and the driver's quirk table. The profiles' data lives in the <c>vendors</c>
/// section of the fleet's reference.conf (read by <see cref="VendorProfileLoader"/>); this class is the typed view.
/// </summary>
public static class VendorProfiles
{
    /// <summary>Every built-in profile, in reference.conf order.</summary>
    public static IReadOnlyList<VendorProfile> All { get; } = VendorProfileLoader.LoadReference();

    /// <summary>"acme-vf": a hardware SR-IOV virtual function (see reference.conf for its data).</summary>
    public static VendorProfile AcmeVf { get; } = Builtin("acme-vf");

    /// <summary>"swift-vhost": a vhost-user-style software backend.</summary>
    public static VendorProfile SwiftVhost { get; } = Builtin("swift-vhost");

    /// <summary>"qemu-emu": device emulation inside the hypervisor; swift-vhost with a costlier exit path.</summary>
    public static VendorProfile QemuEmulated { get; } = Builtin("qemu-emu");

    /// <summary>The built-in profile named <paramref name="name"/>, or null.</summary>
    public static VendorProfile? Find(string name) => Find(All, name);

    /// <summary>The profile named <paramref name="name"/> in <paramref name="profiles"/> (case-insensitive), or null.</summary>
    public static VendorProfile? Find(IReadOnlyList<VendorProfile> profiles, string name) =>
        profiles.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The driver's quirk table: the features a driver masks for a device with subsystem vendor id
    /// <paramref name="subsystemVendorId"/> (what Linux keeps in per-device quirk lists). Built from the built-in
    /// profiles only: like a real driver, it knows the vendors it was written for, not those a scenario invents.
    /// </summary>
    public static FeatureSet DriverMaskFor(ushort subsystemVendorId)
    {
        var mask = FeatureSet.None;
        foreach (var p in All)
            if (p.SubsystemVendorId == subsystemVendorId) mask |= p.Quirks.BrokenFeatures;
        return mask;
    }

    /// <summary>
    /// Whether a driver asking for the packed ring (<paramref name="requested"/>) gets one from a device of
    /// <paramref name="profile"/>: the device must offer VIRTIO_F_RING_PACKED and the driver must not mask it for the
    /// profile's subsystem vendor id (the negotiation <c>VirtioDriverActor</c> does). Otherwise the ring is split.
    /// </summary>
    public static bool NegotiatesPackedRing(VendorProfile profile, bool requested)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return requested
            && profile.RingOffer(RequestDeviceBase.DefaultRingFeatures).Has(FeatureBit.RingPacked)
            && !DriverMaskFor(profile.SubsystemVendorId).Has(FeatureBit.RingPacked);
    }

    private static VendorProfile Builtin(string name) =>
        Find(All, name) ?? throw new InvalidOperationException($"the fleet reference.conf lost the built-in vendor profile '{name}'");
}
