using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;

namespace Virtsim.Virtio.Transport;

/// <summary>
/// The driver's device initialisation (spec §3.1.1) over any <see cref="ITransportDriverPort"/>: reset,
/// ACKNOWLEDGE, DRIVER, read the offer, write the accepted subset, FEATURES_OK, re-read it, set up the
/// virtqueues, DRIVER_OK. Any failure sets FAILED and returns a typed outcome with the reason.
/// </summary>
public static class DriverInitSequence
{
    /// <summary>Initialises with the offered features intersected with <paramref name="driverSupported"/>.</summary>
    public static DriverInitResult Run(ITransportDriverPort port, FeatureSet driverSupported, IReadOnlyList<DriverQueueSetup> queues) =>
        Run(port, offered => offered & driverSupported, queues);

    /// <summary>Initialises, letting <paramref name="selectFeatures"/> choose the accepted set from the offer.</summary>
    public static DriverInitResult Run(ITransportDriverPort port, Func<FeatureSet, FeatureSet> selectFeatures, IReadOnlyList<DriverQueueSetup> queues)
    {
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(selectFeatures);
        ArgumentNullException.ThrowIfNull(queues);

        port.WriteStatus(DeviceStatus.None);
        var status = port.ReadStatus();
        if (status != DeviceStatus.None)
            return Fail(port, DriverInitOutcome.DeviceDidNotReset, FeatureSet.None, $"status reads {status.Describe()} after reset");

        status = DeviceStatus.Acknowledge;
        port.WriteStatus(status);
        status |= DeviceStatus.Driver;
        port.WriteStatus(status);

        var offered = port.ReadDeviceFeatures();
        if (!offered.Has(FeatureBit.Version1))
            return Fail(port, DriverInitOutcome.MissingVersion1, FeatureSet.None, "the device does not offer VERSION_1");
        var accepted = selectFeatures(offered);
        port.WriteDriverFeatures(accepted);
        port.WriteStatus(status | DeviceStatus.FeaturesOk);
        status = port.ReadStatus();
        if (!status.Has(DeviceStatus.FeaturesOk))
            return Fail(port, DriverInitOutcome.FeaturesRefused, accepted,
                $"FEATURES_OK did not stick for {FeatureNames.Format(accepted, port.DeviceType)}");

        foreach (var setup in queues)
        {
            ushort max = port.ReadQueueMaxSize(setup.Index);
            if (max == 0)
                return Fail(port, DriverInitOutcome.QueueUnavailable, accepted, $"queue {setup.Index} does not exist");
            if (setup.Size > max)
                return Fail(port, DriverInitOutcome.QueueUnavailable, accepted, $"queue {setup.Index} holds at most {max}, {setup.Size} wanted");
            var result = port.SetupQueue(setup);
            if (!result.Succeeded)
            {
                var outcome = port.ReadStatus().Has(DeviceStatus.DeviceNeedsReset) ? DriverInitOutcome.DeviceNeedsReset : DriverInitOutcome.QueueSetupFailed;
                return Fail(port, outcome, accepted, result.Reason);
            }
        }

        port.WriteStatus(status | DeviceStatus.DriverOk);
        status = port.ReadStatus();
        if (status.Has(DeviceStatus.DeviceNeedsReset))
            return Fail(port, DriverInitOutcome.DeviceNeedsReset, accepted, "the device set DEVICE_NEEDS_RESET");
        if (!status.Has(DeviceStatus.DriverOk))
            return Fail(port, DriverInitOutcome.DeviceNeedsReset, accepted, $"DRIVER_OK did not stick (status {status.Describe()})");
        return new DriverInitResult(DriverInitOutcome.Succeeded, accepted, status);
    }

    private static DriverInitResult Fail(ITransportDriverPort port, DriverInitOutcome outcome, FeatureSet features, string? reason)
    {
        port.WriteStatus(port.ReadStatus() | DeviceStatus.Failed);
        return new DriverInitResult(outcome, features, port.ReadStatus(), reason ?? outcome.ToString());
    }
}
