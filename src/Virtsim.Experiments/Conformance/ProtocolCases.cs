using Virtsim.VhostUser.Protocol;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;
using static Virtsim.Experiments.Conformance.CaseBuilder;

namespace Virtsim.Experiments.Conformance;

/// <summary>Driver violations of initialization, feature negotiation and ring setup (spec 2.1, 2.2, 3.1, 6), over vhost-user requests.</summary>
internal static class ProtocolCases
{
    public static IEnumerable<ConformanceCase> All()
    {
        yield return Driver("init.queue-size-too-large", "A ring of 65535 descriptors (SET_VRING_NUM)", SpecSections.SplitVirtqueues,
            "The maximum Queue Size value is 32768; the driver uses a size the device allows.", null, d =>
            {
                d.ArmWith(size: 65535, layoutSize: 2 * HostileDriver.QueueSize);
                d.Submit(d.Request());
            });
        yield return Driver("init.ring-outside-memory", "A descriptor table address outside every shared region (SET_VRING_ADDR)", SpecSections.SplitVirtqueues,
            "The driver allocates the virtqueue parts in memory it shares with the device.", null, d =>
            {
                d.ArmWith(descriptorShift: d.Memory.Size + 0x100_0000);
                d.Kick();
            });
        yield return Driver("init.notify-before-driver-ok", "A buffer made available and notified before DRIVER_OK", SpecSections.DeviceInitialization,
            "The driver MUST NOT send any buffer available notifications to the device before setting DRIVER_OK.", null, d =>
            {
                if (!d.Session.Has(VhostUserProtocolFeature.Status)) throw new NotApplicableException("the device does not offer the STATUS protocol feature (no DRIVER_OK over vhost-user)");
                d.Renegotiate(d.Features, driverOk: false);
                d.Submit(d.Request());
            });
        yield return Driver("init.features-changed-after-features-ok", "SET_FEATURES with one more offered feature while the rings run", SpecSections.DeviceInitialization,
            "The driver MUST NOT accept new feature bits after setting FEATURES_OK.", null, d =>
            {
                ulong extra = Lowest(d.Offered & ~d.Features & ~(1UL << FeatureBit.RingPacked));
                if (extra == 0) throw new NotApplicableException("the device offers no feature beyond those accepted");
                d.Session.Channel.SendU64(VhostUserRequest.SetFeatures, d.Session.Features | extra);
                d.Submit(d.Request());
            });
        yield return Driver("init.feature-not-offered", "Features accepted that the device did not offer (bit 55)", SpecSections.FeatureBits,
            "The driver MUST NOT accept a feature which the device did not offer.", null, d =>
            {
                if ((d.Offered & (1UL << 55)) != 0) throw new NotApplicableException("the device offers bit 55");
                d.Renegotiate(d.Features | (1UL << 55));
                d.Submit(d.Request());
            });
        yield return Driver("init.version-1-not-accepted", "VIRTIO_F_VERSION_1 offered but not accepted", SpecSections.ReservedFeatureBits,
            "A driver MUST accept VIRTIO_F_VERSION_1 if it is offered.", null, d =>
            {
                d.Renegotiate(d.Features & ~(1UL << FeatureBit.Version1));
                d.Submit(d.Request());
            });
        yield return Driver("init.packed-dropped-after-features-ok", "SET_FEATURES without RING_PACKED while packed rings run", SpecSections.DeviceInitialization,
            "Features are fixed at FEATURES_OK: the driver MUST NOT change them afterwards (here it drops one).", QueueFormat.Packed, d =>
            {
                d.Session.Channel.SendU64(VhostUserRequest.SetFeatures, d.Session.Features & ~(1UL << FeatureBit.RingPacked));
                d.Submit(d.Request());
            });
    }

    private static ulong Lowest(ulong bits) => bits & (~bits + 1);
}
