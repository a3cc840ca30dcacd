using Virtsim.Fleet.Vendors;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Transport;

namespace Virtsim.Fleet.Migration;

/// <summary>
/// Whether a destination can present what a device negotiated at the source, without the driver renegotiating (pure):
/// every negotiated feature must be in the destination's offer (its mediation layer then presents exactly the source's
/// set), and every queue must fit the destination's largest queue size. A migration that fails this is refused before
/// it starts, with these reasons.
/// </summary>
public static class MigrationCompatibility
{
    /// <summary>
    /// Why device <paramref name="device"/>, in state <paramref name="source"/>, cannot move to an implementation
    /// <paramref name="destination"/> that can offer <paramref name="destinationOffer"/>; empty when it can.
    /// </summary>
    public static IReadOnlyList<string> Check(string device, DeviceModelState source, VendorProfile destination, FeatureSet destinationOffer,
        DeviceType type = DeviceType.Invalid)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var reasons = new List<string>();
        var missing = source.NegotiatedFeatures.Except(destinationOffer);
        if (missing != FeatureSet.None)
        {
            var bits = missing.Bits().Select(b => $"{FeatureNames.NameOf(b, type)} (bit {b})");
            reasons.Add($"{device}: {destination.Name} cannot present the negotiated feature{(missing.Bits().Count() > 1 ? "s" : "")} {string.Join(", ", bits)}");
        }
        foreach (var q in source.Queues)
        {
            if (q.Enabled && q.Size > destination.MaxQueueSize)
                reasons.Add($"{device}: queue {q.Index} has {q.Size} entries, more than {destination.Name}'s max-queue-size {destination.MaxQueueSize} (field queue_size)");
        }
        return reasons;
    }
}
