using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Status;

/// <summary>
/// The device side of feature negotiation (spec §2.2, §3.1.1): the offer, the driver's accepted set written
/// through 32-bit windows, and the check made when the driver sets FEATURES_OK. After the features are
/// accepted they are fixed until reset; later window writes are ignored.
/// </summary>
public sealed class FeatureNegotiation
{
    private readonly Func<FeatureSet, string?>? _validate;

    /// <summary>Creates a negotiation over <paramref name="offered"/>.</summary>
    /// <param name="offered">The device's offer.</param>
    /// <param name="validate">The device type's check (see <c>IDeviceHandler.ValidateFeatures</c>): null to accept, else the reason.</param>
    /// <param name="requireVersion1">True for modern-only transports: VERSION_1 must be accepted.</param>
    public FeatureNegotiation(FeatureSet offered, Func<FeatureSet, string?>? validate = null, bool requireVersion1 = true)
    {
        Offered = offered;
        _validate = validate;
        RequireVersion1 = requireVersion1;
    }

    /// <summary>The device's offer.</summary>
    public FeatureSet Offered { get; }

    /// <summary>True when VERSION_1 is mandatory.</summary>
    public bool RequireVersion1 { get; }

    /// <summary>device_feature_select / DeviceFeaturesSel.</summary>
    public uint DeviceFeatureSelect { get; set; }

    /// <summary>driver_feature_select / DriverFeaturesSel.</summary>
    public uint DriverFeatureSelect { get; set; }

    /// <summary>The bits the driver has written so far (mirrored as written, even bits not offered).</summary>
    public FeatureSet DriverFeatures { get; private set; }

    /// <summary>True once FEATURES_OK has been accepted (until reset).</summary>
    public bool IsAccepted { get; private set; }

    /// <summary>The negotiated features: the driver's set once accepted, empty before.</summary>
    public FeatureSet Negotiated => IsAccepted ? DriverFeatures : FeatureSet.None;

    /// <summary>The offer's window selected by <see cref="DeviceFeatureSelect"/> (0 past bit 127).</summary>
    public uint DeviceWindow => Offered.GetWindow(DeviceFeatureSelect);

    /// <summary>The driver's window selected by <see cref="DriverFeatureSelect"/> (0 past bit 127).</summary>
    public uint DriverWindow => DriverFeatures.GetWindow(DriverFeatureSelect);

    /// <summary>
    /// Writes the driver window selected by <see cref="DriverFeatureSelect"/>. Returns false (and changes
    /// nothing) once the features are accepted or when the select is past bit 127.
    /// </summary>
    public bool WriteDriverWindow(uint value)
    {
        if (IsAccepted || DriverFeatureSelect >= FeatureSet.WindowCount) return false;
        DriverFeatures = DriverFeatures.WithWindow(DriverFeatureSelect, value);
        return true;
    }

    /// <summary>Replaces the driver's whole set (a convenience for non-register callers). False once accepted.</summary>
    public bool WriteDriverFeatures(FeatureSet features)
    {
        if (IsAccepted) return false;
        DriverFeatures = features;
        return true;
    }

    /// <summary>Checks <paramref name="accepted"/> against the offer, VERSION_1 and the device's own rule.</summary>
    public NegotiationOutcome Check(FeatureSet accepted)
    {
        var extra = accepted.Except(Offered);
        if (!extra.IsEmpty)
            return new(NegotiationVerdict.NotOffered, accepted, extra, $"driver accepted features the device did not offer: {FeatureNames.Format(extra)}");
        if (RequireVersion1 && !accepted.Has(FeatureBit.Version1))
            return new(NegotiationVerdict.MissingVersion1, accepted, FeatureSet.None, "VERSION_1 was not accepted; this transport only drives modern devices");
        var refusal = _validate?.Invoke(accepted);
        if (refusal != null)
            return new(NegotiationVerdict.RefusedByDevice, accepted, FeatureSet.None, $"device refused the features: {refusal}");
        return new(NegotiationVerdict.Accepted, accepted, FeatureSet.None, null);
    }

    /// <summary>Checks the driver's set and, when acceptable, fixes it as the negotiated features.</summary>
    public NegotiationOutcome TryAccept()
    {
        var outcome = Check(DriverFeatures);
        if (outcome.Accepted) IsAccepted = true;
        return outcome;
    }

    /// <summary>Restores saved negotiation state (migration); the caller has checked it against the offer.</summary>
    public void Restore(FeatureSet driverFeatures, bool accepted, uint deviceFeatureSelect, uint driverFeatureSelect)
    {
        DriverFeatures = driverFeatures;
        IsAccepted = accepted;
        DeviceFeatureSelect = deviceFeatureSelect;
        DriverFeatureSelect = driverFeatureSelect;
    }

    /// <summary>Back to the reset state: selects 0, nothing written, nothing accepted.</summary>
    public void Reset()
    {
        DeviceFeatureSelect = 0;
        DriverFeatureSelect = 0;
        DriverFeatures = FeatureSet.None;
        IsAccepted = false;
    }
}
