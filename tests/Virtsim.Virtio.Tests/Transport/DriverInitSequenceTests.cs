using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;

namespace Virtsim.Virtio.Tests.Transport;

public class DriverInitSequenceTests
{
    public static TheoryData<string> Transports => new() { "pci", "mmio" };

    [Theory]
    [MemberData(nameof(Transports))]
    public void A_full_init_reaches_driver_ok_with_live_queues(string transport)
    {
        var t = TestDevice.Create(transport);
        var result = t.Init();
        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(TestDevice.DriverFeatures, result.Negotiated);
        Assert.Equal(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk | DeviceStatus.DriverOk, result.FinalStatus);
        Assert.Equal(2, t.Factory.Created.Count);
        Assert.Equal(TestDevice.Queue(1).DeviceArea, t.Factory.Created[1].Config.DeviceArea);
        Assert.Equal(TestDevice.DriverFeatures, t.Handler.Activated);
        Assert.Equal(DeviceType.Block, t.Port.DeviceType);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void A_device_refusing_the_features_fails_gracefully_with_failed_set(string transport)
    {
        var t = TestDevice.Create(transport, new FakeDeviceHandler { Validator = _ => "firmware too old" });
        var result = t.Init();
        Assert.Equal(DriverInitOutcome.FeaturesRefused, result.Outcome);
        Assert.Contains("FEATURES_OK did not stick", result.Reason);
        Assert.Equal(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.Failed, result.FinalStatus);
        // The device side still knows why it refused.
        Assert.Contains("firmware too old", t.Model.Negotiation.Check(t.Model.Negotiation.DriverFeatures).Reason);
        Assert.Empty(t.Factory.Created);
        Assert.Null(t.Handler.Activated);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void A_driver_accepting_bits_not_offered_fails_gracefully(string transport)
    {
        var t = TestDevice.Create(transport);
        var result = DriverInitSequence.Run(t.Port, offered => offered.With(3), [TestDevice.Queue(0)]);
        Assert.Equal(DriverInitOutcome.FeaturesRefused, result.Outcome);
        Assert.True(result.FinalStatus.Has(DeviceStatus.Failed));
        Assert.False(result.FinalStatus.Has(DeviceStatus.FeaturesOk));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void A_legacy_only_device_is_refused(string transport)
    {
        var t = TestDevice.Create(transport, new FakeDeviceHandler { OfferedFeatures = FeatureSet.Of(0, 5) });
        var result = t.Init();
        Assert.Equal(DriverInitOutcome.MissingVersion1, result.Outcome);
        Assert.True(result.FinalStatus.Has(DeviceStatus.Failed));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Missing_or_too_small_queues_fail_gracefully(string transport)
    {
        var t = TestDevice.Create(transport);
        var missing = DriverInitSequence.Run(t.Port, TestDevice.DriverFeatures, [TestDevice.Queue(5)]);
        Assert.Equal(DriverInitOutcome.QueueUnavailable, missing.Outcome);
        Assert.Contains("queue 5 does not exist", missing.Reason);

        var big = DriverInitSequence.Run(t.Port, TestDevice.DriverFeatures, [TestDevice.Queue(0, 1024)]);
        Assert.Equal(DriverInitOutcome.QueueUnavailable, big.Outcome);
        Assert.Contains("at most 256", big.Reason);
        Assert.True(big.FinalStatus.Has(DeviceStatus.Failed));
    }

    [Fact]
    public void An_unmappable_msix_vector_fails_queue_setup()
    {
        var t = TestDevice.Create("pci");
        var result = DriverInitSequence.Run(t.Port, TestDevice.DriverFeatures, [TestDevice.Queue(0) with { MsixVector = 40 }]);
        Assert.Equal(DriverInitOutcome.QueueSetupFailed, result.Outcome);
        Assert.Contains("could not be mapped", result.Reason);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Init_after_failure_starts_from_a_clean_reset(string transport)
    {
        var t = TestDevice.Create(transport);
        Assert.False(DriverInitSequence.Run(t.Port, offered => offered.With(3), []).Succeeded);
        Assert.True(t.Init().Succeeded);
    }
}
