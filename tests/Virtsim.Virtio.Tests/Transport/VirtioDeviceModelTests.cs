using Virtsim.Virtio.Devices;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Queues;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;

namespace Virtsim.Virtio.Tests.Transport;

/// <summary>Device-model behaviour observed through both transports' registers.</summary>
public class VirtioDeviceModelTests
{
    public static TheoryData<string> Transports => new() { "pci", "mmio" };

    [Theory]
    [MemberData(nameof(Transports))]
    public void Doorbell_serves_the_queue_and_raises_the_queue_interrupt(string transport)
    {
        var t = TestDevice.Create(transport);
        Assert.True(t.Init().Succeeded);
        t.Port.Notify(0);
        Assert.Equal([0], t.Handler.Processed);
        Assert.True(t.Sink.LineAsserted);
        Assert.Equal(InterruptCause.Queue, t.Port.TakeInterruptStatus());
        Assert.False(t.Sink.LineAsserted);

        // No interrupt requested: none raised.
        t.Handler.Process = (_, _) => new QueueProcessResult(0, false, QueueError.None);
        t.Port.Notify(1);
        Assert.Equal([0, 1], t.Handler.Processed);
        Assert.False(t.Sink.LineAsserted);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Doorbells_before_driver_ok_or_to_disabled_queues_are_ignored(string transport)
    {
        var t = TestDevice.Create(transport);
        t.Port.Notify(0);
        Assert.Empty(t.Handler.Processed);
        Assert.Contains("before DRIVER_OK", t.Model.Notify(0).Reason);
        Assert.True(DriverInitSequence.Run(t.Port, TestDevice.DriverFeatures, [TestDevice.Queue(0)]).Succeeded);
        t.Port.Notify(1);
        Assert.Empty(t.Handler.Processed);
        Assert.Contains("not enabled", t.Model.Notify(1).Reason);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void A_queue_error_sets_needs_reset_with_the_reason_and_a_config_interrupt(string transport)
    {
        var t = TestDevice.Create(transport);
        Assert.True(t.Init().Succeeded);
        t.Handler.Process = (_, _) => new QueueProcessResult(0, false, new QueueError(QueueErrorKind.ChainLoop, 3, 0x1030));
        t.Port.Notify(1);
        var status = t.Port.ReadStatus();
        Assert.True(status.Has(DeviceStatus.DeviceNeedsReset));
        Assert.Equal("queue 1: ChainLoop at descriptor 3, address 0x1030", t.Model.NeedsResetReason);
        Assert.Equal(InterruptCause.Config, t.Port.TakeInterruptStatus());

        // Further doorbells are ignored until reset; the driver recovers by resetting.
        t.Port.Notify(0);
        Assert.Single(t.Handler.Processed);
        t.Handler.Process = (_, _) => new QueueProcessResult(1, true, QueueError.None);
        Assert.True(t.Init().Succeeded);
        Assert.Null(t.Model.NeedsResetReason);
        t.Port.Notify(0);
        Assert.Equal(2, t.Handler.Processed.Count);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Ring_reset_then_reenable_with_a_new_size(string transport)
    {
        var t = TestDevice.Create(transport);
        Assert.True(t.Init().Succeeded);
        var old = t.Factory.Created[0];
        Assert.Equal(64, old.Config.Size);

        var reset = t.Port.ResetQueue(0);
        Assert.True(reset.Succeeded, reset.Reason);
        Assert.False(t.Port.IsQueueEnabled(0));
        Assert.Equal(1, old.ResetCount);
        Assert.Equal(256, t.Port.ReadQueueMaxSize(0));
        t.Port.Notify(0);
        Assert.Empty(t.Handler.Processed);

        var again = t.Port.SetupQueue(TestDevice.Queue(0, 32));
        Assert.True(again.Succeeded, again.Reason);
        Assert.Equal(32, t.Factory.Created[^1].Config.Size);
        Assert.True(t.Port.IsQueueEnabled(0));
        Assert.True(t.Port.IsQueueEnabled(1));
        t.Port.Notify(0);
        Assert.Equal([0], t.Handler.Processed);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Ring_reset_needs_the_feature(string transport)
    {
        var t = TestDevice.Create(transport);
        Assert.True(t.Init(FeatureSet.Of(FeatureBit.Version1)).Succeeded);
        var result = t.Port.ResetQueue(0);
        Assert.False(result.Succeeded);
        Assert.Contains("RING_RESET", result.Reason);
        Assert.True(t.Port.IsQueueEnabled(0));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void An_invalid_queue_config_is_refused_with_needs_reset(string transport)
    {
        var t = TestDevice.Create(transport);
        var result = DriverInitSequence.Run(t.Port, TestDevice.DriverFeatures, [TestDevice.Queue(0, 48)]);
        Assert.Equal(DriverInitOutcome.DeviceNeedsReset, result.Outcome);
        Assert.Contains("not a power of two", result.Reason);
        Assert.Equal("queue 0: split queue size 48 is not a power of two", t.Model.NeedsResetReason);
        Assert.False(t.Model.Queues[0].Enabled);
        Assert.Empty(t.Factory.Created);
        Assert.True(result.FinalStatus.Has(DeviceStatus.Failed | DeviceStatus.DeviceNeedsReset));
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Misaligned_areas_and_oversized_queues_are_refused(string transport)
    {
        var t = TestDevice.Create(transport);
        var result = DriverInitSequence.Run(t.Port, TestDevice.DriverFeatures, [TestDevice.Queue(0) with { DescriptorArea = 0x1008 }]);
        Assert.Contains("not 16-byte aligned", result.Reason);

        var model = TestDevice.Create(transport).Model;
        model.WriteStatus(3);
        model.Negotiation.WriteDriverFeatures(FeatureSet.Of(FeatureBit.Version1));
        model.WriteStatus(11);
        model.WriteQueueSize(0, 512);
        var enable = model.EnableQueue(0);
        Assert.False(enable.Succeeded);
        Assert.Contains("exceeds the maximum 256", enable.Reason);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Queues_are_packed_exactly_when_ring_packed_is_negotiated(string transport)
    {
        var offer = FakeDeviceHandler.DefaultOffer.With(FeatureBit.RingPacked);
        var packed = TestDevice.Create(transport, new FakeDeviceHandler { OfferedFeatures = offer });
        Assert.True(DriverInitSequence.Run(packed.Port, FeatureSet.Of(FeatureBit.Version1, FeatureBit.RingPacked), [TestDevice.Queue(0, 48)]).Succeeded);
        Assert.Equal(QueueFormat.Packed, packed.Factory.Created.Single().Format);
        Assert.Equal(48, packed.Factory.Created.Single().Config.Size);

        var split = TestDevice.Create(transport, new FakeDeviceHandler { OfferedFeatures = offer });
        Assert.True(DriverInitSequence.Run(split.Port, FeatureSet.Of(FeatureBit.Version1), [TestDevice.Queue(0)]).Succeeded);
        Assert.Equal(QueueFormat.Split, split.Factory.Created.Single().Format);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Notification_data_is_forwarded_only_when_negotiated(string transport)
    {
        var t = TestDevice.Create(transport);
        Assert.True(t.Init().Succeeded);
        uint value = NotificationData.ForSplit(0, 7);
        t.Port.Notify(0, value);
        Assert.Equal([value], t.Factory.Created[0].NotificationData);

        var plain = TestDevice.Create(transport);
        Assert.True(plain.Init(FeatureSet.Of(FeatureBit.Version1)).Succeeded);
        plain.Port.Notify(0);
        Assert.Empty(plain.Factory.Created[0].NotificationData);
        Assert.Equal([0], plain.Handler.Processed);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Config_generation_changes_on_device_changes_and_driver_writes(string transport)
    {
        var t = TestDevice.Create(transport);
        uint g0 = t.Port.ReadConfigGeneration();
        t.Handler.ChangeConfig(0, 1);
        uint g1 = t.Port.ReadConfigGeneration();
        Assert.NotEqual(g0, g1);
        Assert.False(t.Sink.LineAsserted); // no config interrupt before DRIVER_OK

        t.Port.WriteDeviceConfig(8, [1]);
        uint g2 = t.Port.ReadConfigGeneration();
        Assert.NotEqual(g1, g2);

        // A device type that raises its own event on a write bumps once, not twice.
        t.Handler.RaiseOnWrite = true;
        t.Model.WriteConfig(9, [2]);
        Assert.Equal(g2 + 1, t.Model.ConfigGeneration);

        Assert.True(t.Init().Succeeded);
        t.Handler.ChangeConfig(1, 2);
        Assert.True(t.Sink.LineAsserted);
        Assert.Equal(InterruptCause.Config, t.Port.TakeInterruptStatus());
    }

    [Fact]
    public void Suspend_defers_config_interrupts_until_resume()
    {
        var offer = FakeDeviceHandler.DefaultOffer.With(FeatureBit.Suspend);
        var t = TestDevice.Create("mmio", new FakeDeviceHandler { OfferedFeatures = offer });
        Assert.True(t.Init(FeatureSet.Of(FeatureBit.Version1, FeatureBit.Suspend)).Succeeded);
        var live = t.Port.ReadStatus();
        t.Port.WriteStatus(live | DeviceStatus.Suspend);
        Assert.Equal((live | DeviceStatus.Suspend) & ~DeviceStatus.DriverOk, t.Port.ReadStatus());
        t.Handler.ChangeConfig(0, 1);
        Assert.False(t.Sink.LineAsserted);
        Assert.False(t.Model.WriteConfig(8, [1]));
        t.Port.Notify(0);
        Assert.Empty(t.Handler.Processed);

        t.Port.WriteStatus(t.Port.ReadStatus() | DeviceStatus.DriverOk);
        Assert.Equal(live, t.Port.ReadStatus());
        Assert.True(t.Sink.LineAsserted);
        Assert.Equal(InterruptCause.Config, t.Port.TakeInterruptStatus());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Save_state_captures_status_features_and_queues(string transport)
    {
        var t = TestDevice.Create(transport);
        Assert.True(t.Init().Succeeded);
        var state = t.Model.SaveState();
        Assert.True(state.Status.Has(DeviceStatus.DriverOk));
        Assert.Equal(TestDevice.DriverFeatures, state.NegotiatedFeatures);
        Assert.Equal(t.Handler.OfferedFeatures, state.OfferedFeatures);
        Assert.Equal(2, state.Queues.Length);
        Assert.All(state.Queues, q => Assert.True(q.Enabled));
        Assert.Equal(TestDevice.Queue(1).DescriptorArea, state.Queues[1].DescriptorArea);
        Assert.Equal(64, state.Queues[1].Queue!.Config.Size);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Restore_continues_a_saved_device_on_a_fresh_model(string transport)
    {
        var source = TestDevice.Create(transport);
        Assert.True(source.Init().Succeeded);
        source.Model.WriteQueueMsixVector(1, 0);
        source.Model.SignalQueue(0);
        var state = source.Model.SaveState();

        var target = TestDevice.Create(transport);
        var restored = new List<QueueState>();
        var error = target.Model.RestoreState(state, (queueState, memory) =>
        {
            restored.Add(queueState);
            return new FakeDeviceQueue(queueState.Config, memory);
        });
        Assert.Null(error);
        Assert.Equal(2, restored.Count);
        Assert.Equal(state.Status, target.Port.ReadStatus());
        Assert.Equal(state.NegotiatedFeatures, target.Model.NegotiatedFeatures);
        Assert.True(target.Port.IsQueueEnabled(1));
        Assert.Equal(state with { }, target.Model.SaveState() with { Queues = state.Queues }); // scalar fields equal
        Assert.True(target.Sink.LineAsserted == source.Sink.LineAsserted);
        target.Port.Notify(1);
        Assert.Equal([1], target.Handler.Processed);
    }

    [Fact]
    public void Restore_refuses_a_state_from_a_different_device()
    {
        var source = TestDevice.Create("mmio");
        Assert.True(source.Init().Succeeded);
        var state = source.Model.SaveState();
        var other = TestDevice.Create("mmio", new FakeDeviceHandler { OfferedFeatures = FeatureSet.Of(FeatureBit.Version1) });
        var error = other.Model.RestoreState(state, (s, m) => new FakeDeviceQueue(s.Config, m));
        Assert.Contains("differs from this device", error);
        Assert.Equal(DeviceStatus.None, other.Model.Status);
        var fewer = TestDevice.Create("mmio", new FakeDeviceHandler { QueueCount = 1 });
        Assert.Contains("queues", fewer.Model.RestoreState(state, (s, m) => new FakeDeviceQueue(s.Config, m)));
    }

    [Fact]
    public void Each_enabled_queue_gets_its_own_memory_view()
    {
        var t = TestDevice.Create("mmio");
        Assert.True(t.Init().Succeeded);
        Assert.NotSame(t.Factory.Created[0].Memory, t.Factory.Created[1].Memory);
        Assert.NotSame(t.Model.Memory, t.Factory.Created[0].Memory);
        Assert.Same(t.Model.Memory.Memory, t.Factory.Created[0].Memory.Memory);
    }

    [Fact]
    public void Queue_operations_on_missing_queues_are_refused_not_thrown()
    {
        var m = TestDevice.Create("mmio").Model;
        Assert.False(m.EnableQueue(-1).Succeeded);
        Assert.False(m.WriteQueueSize(5, 8).Succeeded);
        Assert.False(m.ResetQueue(2).Succeeded);
        Assert.Equal(MsixVector.NoVector, m.WriteQueueMsixVector(9, 0));
        Assert.Equal(NotifyOutcome.Ignored, m.Notify(99).Outcome);
    }
}
