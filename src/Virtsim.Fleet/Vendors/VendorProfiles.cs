using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.Vendors;

/// <summary>The built-in vendor profiles and the driver's quirk table.</summary>
public static class VendorProfiles
{
    /// <summary>
    /// "acme-vf": a hardware SR-IOV virtual function. Doorbells are posted writes (0.2 us); every ring and data access
    /// is a PCIe transaction (0.6 us) with 8 in flight, 4x more when NOTIFICATION_DATA tells it how many descriptors to
    /// fetch; interrupts coalesced over 8 us. Quirk: its EVENT_IDX is broken (drivers mask it) and it forgets to offer
    /// IN_ORDER.
    /// </summary>
    public static VendorProfile AcmeVf { get; } = new()
    {
        Name = "acme-vf",
        Backend = BackendKind.HardwareVf,
        SubsystemVendorId = 0x1D0F,
        ExtraFeatures = FeatureSet.Of(FeatureBit.NotificationData),
        Quirks = new VendorQuirks(FeatureSet.Of(FeatureBit.EventIdx), FeatureSet.Of(FeatureBit.InOrder)),
        Timing = new VendorTiming
        {
            DoorbellCost = TimeSpan.FromMicroseconds(0.2),
            DmaLatencyPerTransaction = TimeSpan.FromMicroseconds(0.6),
            ParallelTransactions = 8,
            NotificationDataFetchBoost = 4,
            PerRequestCost = TimeSpan.FromMicroseconds(0.5),
            PerKibCost = TimeSpan.FromMicroseconds(0.08),
            InterruptCoalescing = TimeSpan.FromMicroseconds(8),
            InterruptCost = TimeSpan.FromMicroseconds(0.5),
        },
    };

    /// <summary>
    /// "swift-vhost": a vhost-user-style software backend. Doorbells are VM exits plus an eventfd kick (2 us); memory
    /// accesses are cheap loads (20 ns) done one at a time; per-request CPU cost 3 us; no coalescing; interrupts
    /// through irqfd (2 us). No quirks; it does not implement NOTIFICATION_DATA.
    /// </summary>
    public static VendorProfile SwiftVhost { get; } = new()
    {
        Name = "swift-vhost",
        Backend = BackendKind.VhostUser,
        SubsystemVendorId = 0x1AF4,
        WithheldFeatures = FeatureSet.Of(FeatureBit.NotificationData),
        Timing = new VendorTiming
        {
            DoorbellCost = TimeSpan.FromMicroseconds(2),
            DmaLatencyPerTransaction = TimeSpan.FromMicroseconds(0.02),
            ParallelTransactions = 1,
            PerRequestCost = TimeSpan.FromMicroseconds(3),
            PerKibCost = TimeSpan.FromMicroseconds(0.25),
            InterruptCoalescing = TimeSpan.Zero,
            InterruptCost = TimeSpan.FromMicroseconds(2),
        },
    };

    /// <summary>"qemu-emu": device emulation inside the hypervisor. Like <see cref="SwiftVhost"/> with a costlier exit path.</summary>
    public static VendorProfile QemuEmulated { get; } = SwiftVhost with
    {
        Name = "qemu-emu",
        Backend = BackendKind.InHypervisor,
        Timing = SwiftVhost.Timing with { DoorbellCost = TimeSpan.FromMicroseconds(4), PerRequestCost = TimeSpan.FromMicroseconds(5) },
    };

    /// <summary>Every built-in profile.</summary>
    public static IReadOnlyList<VendorProfile> All { get; } = [AcmeVf, SwiftVhost, QemuEmulated];

    /// <summary>The profile named <paramref name="name"/>, or null.</summary>
    public static VendorProfile? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The driver's quirk table: the features a driver masks for a device with subsystem vendor id
    /// <paramref name="subsystemVendorId"/> (what Linux keeps in per-device quirk lists).
    /// </summary>
    public static FeatureSet DriverMaskFor(ushort subsystemVendorId)
    {
        var mask = FeatureSet.None;
        foreach (var p in All)
            if (p.SubsystemVendorId == subsystemVendorId) mask |= p.Quirks.BrokenFeatures;
        return mask;
    }
}
