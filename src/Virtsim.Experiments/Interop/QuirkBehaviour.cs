using Virtsim.Virtio.Features;

namespace Virtsim.Experiments.Interop;

/// <summary>
/// What a vendor profile's broken features (<c>quirks.broken-features</c>: offered but implemented wrongly) do once a
/// driver negotiates them, so that a driver that does not mask them fails its cell the way it would against the real
/// device: a broken EVENT_IDX loses used-buffer interrupts (the device misreads used_event); any other broken feature
/// corrupts the data the device writes into the driver's buffers (the first byte of a blk read or a received frame).
/// A driver whose quirk table masks them never sees either.
/// </summary>
/// <param name="broken">The profile's broken features.</param>
public sealed class QuirkBehaviour(FeatureSet broken)
{
    /// <summary>The broken features the driver negotiated (none until it did).</summary>
    public FeatureSet InForce { get; private set; }

    /// <summary>True when used-buffer interrupts are lost.</summary>
    public bool LosesInterrupts => InForce.Has(FeatureBit.EventIdx);

    /// <summary>True when data the device writes is corrupted.</summary>
    public bool CorruptsData => !InForce.Without(FeatureBit.EventIdx).IsEmpty;

    /// <summary>Called with the features the device accepted (FEATURES_OK) or activated.</summary>
    public void Negotiated(FeatureSet features) => InForce = features & broken;

    /// <summary>Called at reset.</summary>
    public void Reset() => InForce = FeatureSet.None;
}
