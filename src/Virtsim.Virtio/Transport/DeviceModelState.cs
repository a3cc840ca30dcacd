using System.Collections.Immutable;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;

namespace Virtsim.Virtio.Transport;

/// <summary>
/// The transport-independent device state as a plain value (for migration and inspection): status,
/// features, interrupt state and every queue's registers.
/// </summary>
public sealed record DeviceModelState
{
    /// <summary>The device status.</summary>
    public required DeviceStatus Status { get; init; }

    /// <summary>Why DEVICE_NEEDS_RESET is set, or null.</summary>
    public string? NeedsResetReason { get; init; }

    /// <summary>The device's offer.</summary>
    public required FeatureSet OfferedFeatures { get; init; }

    /// <summary>What the driver wrote.</summary>
    public required FeatureSet DriverFeatures { get; init; }

    /// <summary>True once FEATURES_OK was accepted.</summary>
    public required bool FeaturesAccepted { get; init; }

    /// <summary>The negotiated features (empty before FEATURES_OK).</summary>
    public FeatureSet NegotiatedFeatures => FeaturesAccepted ? DriverFeatures : FeatureSet.None;

    /// <summary>device_feature_select.</summary>
    public uint DeviceFeatureSelect { get; init; }

    /// <summary>driver_feature_select.</summary>
    public uint DriverFeatureSelect { get; init; }

    /// <summary>config_generation.</summary>
    public uint ConfigGeneration { get; init; }

    /// <summary>Pending ISR / InterruptStatus bits.</summary>
    public InterruptCause InterruptStatus { get; init; }

    /// <summary>config_msix_vector.</summary>
    public ushort ConfigMsixVector { get; init; }

    /// <summary>Every queue's registers.</summary>
    public ImmutableArray<QueueRegisterState> Queues { get; init; } = [];
}
