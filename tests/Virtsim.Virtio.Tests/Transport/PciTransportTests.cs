using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;
using Virtsim.Virtio.Transport.Pci;
using O = Virtsim.Virtio.Transport.Pci.PciCommonConfigOffset;

namespace Virtsim.Virtio.Tests.Transport;

public class PciTransportTests
{
    private const int Bar = PciLayout.VirtioBar;

    private static (TestDevice T, PciTransport Pci) Create(FakeDeviceHandler? handler = null, PciTransportOptions? options = null)
    {
        var t = TestDevice.Create("pci", handler, options);
        return (t, t.Pci!);
    }

    private static uint Common(PciTransport pci, int field, int size) => pci.ReadBar(Bar, PciLayout.CommonOffset + (ulong)field, size);
    private static void Common(PciTransport pci, int field, int size, uint value) => pci.WriteBar(Bar, PciLayout.CommonOffset + (ulong)field, size, value);

    private static void ToFeaturesOk(TestDevice t, FeatureSet? features = null)
    {
        t.Port.WriteStatus(DeviceStatus.Acknowledge | DeviceStatus.Driver);
        t.Port.WriteDriverFeatures(features ?? TestDevice.DriverFeatures);
        t.Port.WriteStatus(DeviceStatus.Acknowledge | DeviceStatus.Driver | DeviceStatus.FeaturesOk);
        Assert.True(t.Model.Status.Has(DeviceStatus.FeaturesOk));
    }

    [Fact]
    public void Header_identifies_a_modern_virtio_function()
    {
        var (_, pci) = Create(new FakeDeviceHandler { Type = DeviceType.Net }, new PciTransportOptions { SubsystemVendorId = 0x15B3, SubsystemId = 0x0051 });
        Assert.Equal(0x1AF4u, pci.ReadConfigSpace(0x00, 2));
        Assert.Equal(0x1041u, pci.ReadConfigSpace(0x02, 2));
        Assert.Equal(0x1041_1AF4u, pci.ReadConfigSpace(0x00, 4));
        Assert.Equal(1u, pci.ReadConfigSpace(0x08, 1));
        Assert.Equal(0x02u, pci.ReadConfigSpace(0x0B, 1));
        Assert.Equal(0x15B3u, pci.ReadConfigSpace(0x2C, 2));
        Assert.Equal(0x0051u, pci.ReadConfigSpace(0x2E, 2));
        Assert.Equal(1u, pci.ReadConfigSpace(0x3D, 1));
        Assert.NotEqual(0u, pci.ReadConfigSpace(0x06, 2) & 0x10);
        // Read-only identity ignores writes.
        pci.WriteConfigSpace(0x00, 4, 0);
        Assert.Equal(0x1AF4u, pci.ReadConfigSpace(0x00, 2));
    }

    [Fact]
    public void Capability_walk_finds_every_structure_with_its_fields()
    {
        var (t, pci) = Create();
        var caps = PciCapabilityReader.Walk(pci.ReadConfigSpace);
        Assert.Equal(6, caps.Count);
        Assert.Equal(PciLayout.MsixCapabilityId, caps[0].Id);
        Assert.Equal(0, caps[^1].Next);

        PciCapability Get(PciCapabilityType type) => Assert.Single(caps, c => c.Type == type);
        var common = Get(PciCapabilityType.CommonConfig);
        Assert.Equal((16, 4, 0x0000u, 0x40u), (common.Length, (int)common.Bar, common.RegionOffset, common.RegionLength));
        var notify = Get(PciCapabilityType.NotifyConfig);
        Assert.Equal((20, 4, 0x3000u, 4u), (notify.Length, (int)notify.Bar, notify.RegionOffset, notify.NotifyOffMultiplier));
        Assert.True(notify.RegionLength >= (uint)(t.Model.QueueCount - 1) * 4 + 4);
        var isr = Get(PciCapabilityType.IsrConfig);
        Assert.Equal((16, 4, 0x1000u, 1u), (isr.Length, (int)isr.Bar, isr.RegionOffset, isr.RegionLength));
        var device = Get(PciCapabilityType.DeviceConfig);
        Assert.Equal((16, 4, 0x2000u, 16u), (device.Length, (int)device.Bar, device.RegionOffset, device.RegionLength));
        var window = Get(PciCapabilityType.PciConfig);
        Assert.Equal(20, window.Length);
        foreach (var cap in caps.Where(c => c.Type != null))
            Assert.Equal(PciLayout.VendorCapabilityId, (byte)pci.ReadConfigSpace(cap.Offset, 1));

        // The driver must not write capabilities: the fields are read-only.
        pci.WriteConfigSpace(common.Offset + 8, 4, 0x1234);
        Assert.Equal(0u, pci.ReadConfigSpace(common.Offset + 8, 4));

        // MSI-X: table size N-1, table and PBA in BAR 1.
        Assert.Equal((uint)t.Model.QueueCount, pci.ReadConfigSpace(caps[0].Offset + 2, 2) & 0x7FF);
        Assert.Equal(0x000u | 1, pci.ReadConfigSpace(caps[0].Offset + 4, 4));
        Assert.Equal(0x800u | 1, pci.ReadConfigSpace(caps[0].Offset + 8, 4));
    }

    [Fact]
    public void No_device_config_capability_when_the_device_has_no_config()
    {
        var handler = new ZeroConfigHandler();
        var t = new Virtsim.Virtio.Transport.VirtioDeviceModel(handler, new Virtsim.Virtio.Memory.DeviceMemory(Virtsim.Virtio.Memory.GuestMemory.WithArray(4096)),
            new FakeQueueFactory().Create, new RecordingInterruptSink());
        var pci = new PciTransport(t);
        Assert.DoesNotContain(PciCapabilityReader.Walk(pci.ReadConfigSpace), c => c.Type == PciCapabilityType.DeviceConfig);
    }

    private sealed class ZeroConfigHandler : Virtsim.Virtio.Devices.IDeviceHandler
    {
        public DeviceType Type => DeviceType.Entropy;
        public FeatureSet OfferedFeatures => FeatureSet.Of(FeatureBit.Version1);
        public int QueueCount => 1;
        public ushort MaxQueueSize => 64;
        public int ConfigSize => 0;
        public event Action? ConfigChanged { add { } remove { } }
        public void ReadConfig(int offset, Span<byte> destination) => destination.Clear();
        public void WriteConfig(int offset, ReadOnlySpan<byte> source) { }
        public string? ValidateFeatures(FeatureSet accepted) => null;
        public void Activate(FeatureSet negotiated) { }
        public Virtsim.Virtio.Devices.QueueProcessResult ProcessQueue(int queueIndex, Virtsim.Virtio.Queues.IDeviceQueue queue) => default;
        public void Reset() { }
    }

    [Fact]
    public void Common_config_fields_sit_at_the_spec_offsets_written_by_offset_read_by_model()
    {
        var (t, pci) = Create();
        var m = t.Model;

        Common(pci, O.DeviceFeatureSelect, 4, 1);
        Assert.Equal(1u, m.Negotiation.DeviceFeatureSelect);
        Assert.Equal(t.Handler.OfferedFeatures.GetWindow(1), Common(pci, O.DeviceFeature, 4));

        Common(pci, O.DriverFeatureSelect, 4, 1);
        Assert.Equal(1u, m.Negotiation.DriverFeatureSelect);
        Common(pci, O.DriverFeature, 4, 0x1);
        Assert.True(m.Negotiation.DriverFeatures.Has(FeatureBit.Version1));

        Common(pci, O.ConfigMsixVector, 2, 2);
        Assert.Equal(2, m.ConfigMsixVector);

        Common(pci, O.DeviceStatus, 1, 1);
        Assert.Equal(DeviceStatus.Acknowledge, m.Status);

        Common(pci, O.QueueSelect, 2, 1);
        Assert.Equal(1, pci.QueueSelect);
        Common(pci, O.QueueSize, 2, 32);
        Assert.Equal(32, m.Queues[1].Size);
        Common(pci, O.QueueMsixVector, 2, 1);
        Assert.Equal(1, m.Queues[1].MsixVector);
        Common(pci, O.QueueDesc, 4, 0x1000);
        Common(pci, O.QueueDesc + 4, 4, 0x1);
        Common(pci, O.QueueDriver, 4, 0x2000);
        Common(pci, O.QueueDriver + 4, 4, 0x2);
        Common(pci, O.QueueDevice, 4, 0x3000);
        Common(pci, O.QueueDevice + 4, 4, 0x3);
        Assert.Equal(0x1_0000_1000UL, m.Queues[1].DescriptorArea);
        Assert.Equal(0x2_0000_2000UL, m.Queues[1].DriverArea);
        Assert.Equal(0x3_0000_3000UL, m.Queues[1].DeviceArea);

        // queue_enable needs FEATURES_OK: then it creates the queue.
        Common(pci, O.QueueDesc + 4, 4, 0);
        Common(pci, O.QueueDriver + 4, 4, 0);
        Common(pci, O.QueueDevice + 4, 4, 0);
        Common(pci, O.DeviceStatus, 1, 0);
        ToFeaturesOk(t);
        Common(pci, O.QueueSelect, 2, 1);
        Common(pci, O.QueueDesc, 4, 0x1000);
        Common(pci, O.QueueDriver, 4, 0x2000);
        Common(pci, O.QueueDevice, 4, 0x3000);
        Common(pci, O.QueueEnable, 2, 1);
        Assert.True(m.Queues[1].Enabled);
        Assert.NotNull(m.Queues[1].Queue);

        Common(pci, O.QueueReset, 2, 1);
        Assert.False(m.Queues[1].Enabled);
    }

    [Fact]
    public void Common_config_fields_sit_at_the_spec_offsets_set_by_model_read_by_offset()
    {
        var (t, pci) = Create();
        var m = t.Model;
        m.Negotiation.DeviceFeatureSelect = 2;
        Assert.Equal(2u, Common(pci, O.DeviceFeatureSelect, 4));
        Assert.Equal(t.Handler.OfferedFeatures.GetWindow(2), Common(pci, O.DeviceFeature, 4));
        m.Negotiation.DriverFeatureSelect = 1;
        m.Negotiation.WriteDriverWindow(0xABCD);
        Assert.Equal(1u, Common(pci, O.DriverFeatureSelect, 4));
        Assert.Equal(0xABCDu, Common(pci, O.DriverFeature, 4));
        m.WriteConfigMsixVector(1);
        Assert.Equal(1u, Common(pci, O.ConfigMsixVector, 2));
        Assert.Equal(2u, Common(pci, O.NumQueues, 2));
        m.WriteStatus(1);
        Assert.Equal(1u, Common(pci, O.DeviceStatus, 1));
        uint generation = Common(pci, O.ConfigGeneration, 1);
        t.Handler.ChangeConfig(0, 9);
        Assert.Equal((generation + 1) & 0xFF, Common(pci, O.ConfigGeneration, 1));

        Common(pci, O.QueueSelect, 2, 1);
        Assert.Equal(1u, Common(pci, O.QueueSelect, 2));
        Assert.Equal(256u, Common(pci, O.QueueSize, 2));
        m.WriteQueueSize(1, 16);
        Assert.Equal(16u, Common(pci, O.QueueSize, 2));
        m.WriteQueueMsixVector(1, 0);
        Assert.Equal(0u, Common(pci, O.QueueMsixVector, 2));
        Assert.Equal(0u, Common(pci, O.QueueEnable, 2));
        Assert.Equal(1u, Common(pci, O.QueueNotifyOff, 2));
        m.WriteQueueArea(1, QueueArea.Descriptor, 0xAAAA_BBBB_CCCC_DDD0);
        m.WriteQueueArea(1, QueueArea.Driver, 0x1111_2222_3333_4444);
        m.WriteQueueArea(1, QueueArea.Device, 0x5555_6666_7777_8888);
        Assert.Equal(0xCCCC_DDD0u, Common(pci, O.QueueDesc, 4));
        Assert.Equal(0xAAAA_BBBBu, Common(pci, O.QueueDesc + 4, 4));
        Assert.Equal(0x3333_4444u, Common(pci, O.QueueDriver, 4));
        Assert.Equal(0x1111_2222u, Common(pci, O.QueueDriver + 4, 4));
        Assert.Equal(0x7777_8888u, Common(pci, O.QueueDevice, 4));
        Assert.Equal(0x5555_6666u, Common(pci, O.QueueDevice + 4, 4));
        Assert.Equal(1u, Common(pci, O.QueueNotifConfigData, 2));
        Assert.Equal(0u, Common(pci, O.QueueReset, 2));
        Assert.Equal(2u, Common(pci, O.AdminQueueIndex, 2));
        Assert.Equal(0u, Common(pci, O.AdminQueueNum, 2));

        // An unavailable queue reads size 0 and NO_VECTOR.
        Common(pci, O.QueueSelect, 2, 7);
        Assert.Equal(0u, Common(pci, O.QueueSize, 2));
        Assert.Equal(0xFFFFu, Common(pci, O.QueueMsixVector, 2));
    }

    [Fact]
    public void Read_only_fields_and_wrong_widths_are_ignored()
    {
        var (t, pci) = Create();
        int before = pci.IgnoredAccesses;
        Common(pci, O.NumQueues, 2, 9);
        Common(pci, O.QueueNotifyOff, 2, 9);
        Common(pci, O.ConfigGeneration, 1, 9);
        Common(pci, O.DeviceFeature, 4, 9);
        Assert.Equal(2u, Common(pci, O.NumQueues, 2));
        Assert.Equal(0u, Common(pci, O.DeviceStatus, 2)); // 2-byte read of a 1-byte field
        Common(pci, O.DeviceStatus, 4, 1);               // 4-byte write of a 1-byte field
        Assert.Equal(DeviceStatus.None, t.Model.Status);
        Assert.Equal(before + 6, pci.IgnoredAccesses);
    }

    [Fact]
    public void Notify_address_is_cap_offset_plus_notify_off_times_multiplier()
    {
        var (t, pci) = Create(new FakeDeviceHandler { QueueCount = 4 }, new PciTransportOptions { NotifyOffMultiplier = 16 });
        for (int q = 0; q < 4; q++)
        {
            Assert.Equal(0x3000UL + (ulong)q * 16, pci.GetNotifyOffset(q));
            Assert.Equal(pci.GetNotifyOffset(q), t.PciPort!.NotifyAddress(q));
        }
        Assert.True(DriverInitSequence.Run(t.Port, TestDevice.DriverFeatures, [.. Enumerable.Range(0, 4).Select(q => TestDevice.Queue(q))]).Succeeded);
        pci.WriteBar(Bar, 0x3000 + 2 * 16, 2, 2);
        Assert.Equal(NotifyOutcome.Processed, pci.LastNotify!.Value.Outcome);
        Assert.Equal([2], t.Handler.Processed);
        // Queue 1's index written at queue 2's doorbell is not a doorbell for either.
        pci.WriteBar(Bar, 0x3000 + 2 * 16, 2, 1);
        Assert.Equal(NotifyOutcome.Ignored, pci.LastNotify!.Value.Outcome);
        Assert.Equal([2], t.Handler.Processed);
    }

    [Fact]
    public void A_zero_multiplier_shares_one_doorbell_and_the_value_names_the_queue()
    {
        var (t, pci) = Create(options: new PciTransportOptions { NotifyOffMultiplier = 0 });
        Assert.Equal(0x3000UL, pci.GetNotifyOffset(1));
        Assert.True(t.Init().Succeeded);
        t.Port.Notify(1);
        t.Port.Notify(0);
        Assert.Equal([1, 0], t.Handler.Processed);
    }

    [Fact]
    public void Notification_data_reaches_the_queue_as_a_32_bit_doorbell()
    {
        var (t, pci) = Create();
        Assert.True(t.Init().Succeeded);
        uint value = Virtsim.Virtio.Queues.NotificationData.ForSplit(1, 0x1234);
        t.Port.Notify(1, value);
        Assert.Equal([1], t.Handler.Processed);
        Assert.Equal([value], t.Factory.Created.Single(q => q.Config.DescriptorArea == TestDevice.Queue(1).DescriptorArea).NotificationData);
    }

    [Fact]
    public void Msix_vectors_map_within_the_table_and_read_no_vector_beyond_it()
    {
        var (t, pci) = Create(options: new PciTransportOptions { MsixVectors = 3 });
        Common(pci, O.ConfigMsixVector, 2, 2);
        Assert.Equal(2u, Common(pci, O.ConfigMsixVector, 2));
        Common(pci, O.ConfigMsixVector, 2, 3);
        Assert.Equal(0xFFFFu, Common(pci, O.ConfigMsixVector, 2));
        Common(pci, O.QueueSelect, 2, 0);
        Common(pci, O.QueueMsixVector, 2, 1);
        Assert.Equal(1u, Common(pci, O.QueueMsixVector, 2));
        Common(pci, O.QueueMsixVector, 2, 100);
        Assert.Equal(0xFFFFu, Common(pci, O.QueueMsixVector, 2));
        Common(pci, O.QueueMsixVector, 2, 0xFFFF);
        Assert.Equal(0xFFFFu, Common(pci, O.QueueMsixVector, 2));
        Assert.Equal(MsixVector.NoVector, t.Model.Queues[0].MsixVector);
        Assert.Equal(1, t.PciPort!.SetConfigMsixVector(1));
    }

    [Fact]
    public void Msix_delivers_messages_per_vector_honours_masks_and_skips_the_isr_queue_bit()
    {
        var (t, pci) = Create();
        var port = t.PciPort!;
        for (int v = 0; v < 3; v++) port.ProgramMsixVector(v, 0xFEE0_0000UL + (ulong)v * 0x10, 0x40u + (uint)v);
        port.EnableMsix();
        Assert.True(pci.Msix.Enabled);
        var result = DriverInitSequence.Run(port, TestDevice.DriverFeatures,
            [TestDevice.Queue(0) with { MsixVector = 1 }, TestDevice.Queue(1) with { MsixVector = 2 }]);
        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(0, port.SetConfigMsixVector(0));

        port.Notify(1);
        Assert.Equal([((ushort)2, 0xFEE0_0020UL, 0x42u)], t.Sink.Messages);
        Assert.Equal(InterruptCause.None, t.Model.InterruptStatus);
        Assert.False(t.Sink.LineAsserted);

        // Masked vector: pending bit, delivered on unmask.
        pci.WriteBar(PciLayout.MsixBar, 1 * 16 + 12, 4, 1);
        port.Notify(0);
        Assert.Single(t.Sink.Messages);
        Assert.Equal(1u << 1, pci.ReadBar(PciLayout.MsixBar, PciLayout.MsixPbaOffset, 4));
        pci.WriteBar(PciLayout.MsixBar, 1 * 16 + 12, 4, 0);
        Assert.Equal(2, t.Sink.Messages.Count);
        Assert.Equal((ushort)1, t.Sink.Messages[1].Vector);
        Assert.Equal(0u, pci.ReadBar(PciLayout.MsixBar, PciLayout.MsixPbaOffset, 4));

        // Config change goes to the config vector and still sets the ISR config bit.
        t.Handler.ChangeConfig(0, 1);
        Assert.Equal((ushort)0, t.Sink.Messages[2].Vector);
        Assert.Equal(InterruptCause.Config, t.Model.InterruptStatus);

        // A queue with NO_VECTOR gets no interrupt at all while MSI-X is on.
        t.Model.WriteQueueMsixVector(0, MsixVector.NoVector);
        port.Notify(0);
        Assert.Equal(3, t.Sink.Messages.Count);
    }

    [Fact]
    public void Isr_is_read_to_clear_and_drives_intx_and_the_status_bit()
    {
        var (t, pci) = Create();
        Assert.True(t.Init().Succeeded);
        t.Port.Notify(0);
        Assert.True(t.Sink.LineAsserted);
        Assert.NotEqual(0u, pci.ReadConfigSpace(PciLayout.StatusRegister, 2) & 0x8);
        t.Handler.ChangeConfig(1, 1);
        Assert.Equal(3u, pci.ReadBar(Bar, PciLayout.IsrOffset, 1));
        Assert.False(t.Sink.LineAsserted);
        Assert.Equal(0u, pci.ReadConfigSpace(PciLayout.StatusRegister, 2) & 0x8);
        Assert.Equal(0u, pci.ReadBar(Bar, PciLayout.IsrOffset, 1));
        Assert.Equal(InterruptCause.None, t.Port.TakeInterruptStatus());
    }

    [Fact]
    public void Command_interrupt_disable_masks_the_pin_but_not_the_status_bit()
    {
        var (t, pci) = Create();
        Assert.True(t.Init().Succeeded);
        pci.WriteConfigSpace(PciLayout.CommandRegister, 2, 0x0406);
        Assert.Equal(0x0406u, pci.ReadConfigSpace(PciLayout.CommandRegister, 2));
        t.Port.Notify(0);
        Assert.False(t.Sink.LineAsserted);
        Assert.NotEqual(0u, pci.ReadConfigSpace(PciLayout.StatusRegister, 2) & 0x8);
        pci.WriteConfigSpace(PciLayout.CommandRegister, 2, 0x0006);
        Assert.True(t.Sink.LineAsserted);
    }

    [Fact]
    public void Device_config_is_mapped_and_writes_bump_the_generation()
    {
        var (t, pci) = Create();
        t.Handler.Config[0] = 0x11;
        t.Handler.Config[1] = 0x22;
        t.Handler.Config[2] = 0x33;
        t.Handler.Config[3] = 0x44;
        Assert.Equal(0x4433_2211u, pci.ReadBar(Bar, PciLayout.DeviceConfigOffset, 4));
        Assert.Equal(0x33u, pci.ReadBar(Bar, PciLayout.DeviceConfigOffset + 2, 1));
        uint generation = t.Port.ReadConfigGeneration();
        pci.WriteBar(Bar, PciLayout.DeviceConfigOffset + 8, 2, 0xBEEF);
        Assert.Equal(0xEF, t.Handler.Config[8]);
        Assert.Equal(0xBE, t.Handler.Config[9]);
        Assert.Equal(generation + 1, t.Port.ReadConfigGeneration());
        Span<byte> bytes = stackalloc byte[2];
        t.Port.ReadDeviceConfig(8, bytes);
        Assert.Equal([0xEF, 0xBE], bytes.ToArray());
        // Outside the structure nothing happens.
        pci.WriteBar(Bar, PciLayout.DeviceConfigOffset + 16, 1, 1);
        Assert.Equal(0u, pci.ReadBar(Bar, PciLayout.DeviceConfigOffset + 16, 1));
    }

    [Fact]
    public void Pci_cfg_window_reaches_the_bars_through_config_space()
    {
        var (t, pci) = Create();
        var cap = t.PciPort!.Capabilities.Single(c => c.Type == PciCapabilityType.PciConfig);
        pci.WriteConfigSpace(cap.Offset + 4, 1, PciLayout.VirtioBar);
        pci.WriteConfigSpace(cap.Offset + 8, 4, PciLayout.CommonOffset + O.DeviceStatus);
        pci.WriteConfigSpace(cap.Offset + 12, 4, 1);
        pci.WriteConfigSpace(cap.Offset + 16, 4, 1);
        Assert.Equal(DeviceStatus.Acknowledge, t.Model.Status);
        Assert.Equal(1u, pci.ReadConfigSpace(cap.Offset + 16, 4) & 0xFF);

        pci.WriteConfigSpace(cap.Offset + 8, 4, PciLayout.CommonOffset + O.NumQueues);
        pci.WriteConfigSpace(cap.Offset + 12, 4, 2);
        Assert.Equal(2u, pci.ReadConfigSpace(cap.Offset + 16, 2));
    }

    [Fact]
    public void Notif_config_data_names_the_queue_in_doorbells()
    {
        var offer = FakeDeviceHandler.DefaultOffer.With(FeatureBit.NotifConfigData);
        var (t, pci) = Create(new FakeDeviceHandler { OfferedFeatures = offer });
        Assert.True(t.Init(FeatureSet.Of(FeatureBit.Version1, FeatureBit.NotifConfigData)).Succeeded);
        Common(pci, O.QueueSelect, 2, 1);
        uint id = Common(pci, O.QueueNotifConfigData, 2);
        pci.WriteBar(Bar, pci.GetNotifyOffset(1), 2, id);
        Assert.Equal([1], t.Handler.Processed);
    }

    [Fact]
    public void An_invalid_pci_cfg_window_is_ignored()
    {
        var (t, pci) = Create();
        var cap = t.PciPort!.Capabilities.Single(c => c.Type == PciCapabilityType.PciConfig);
        pci.WriteConfigSpace(cap.Offset + 4, 1, PciLayout.VirtioBar);
        pci.WriteConfigSpace(cap.Offset + 8, 4, PciLayout.CommonOffset + O.DeviceStatus);
        pci.WriteConfigSpace(cap.Offset + 12, 4, 3); // length 3 is not an access size
        int before = pci.IgnoredAccesses;
        pci.WriteConfigSpace(cap.Offset + 16, 4, 1);
        Assert.Equal(DeviceStatus.None, t.Model.Status);
        Assert.Equal(before + 1, pci.IgnoredAccesses);
    }

    [Fact]
    public void Bars_report_their_size_to_the_sizing_probe()
    {
        var (_, pci) = Create();
        pci.WriteConfigSpace(0x14, 4, 0xFFFF_FFFF);
        Assert.Equal(~(PciLayout.MsixBarSize - 1), pci.ReadConfigSpace(0x14, 4));
        pci.WriteConfigSpace(0x20, 4, 0xFFFF_FFFF);
        Assert.Equal((~(pci.VirtioBarSize - 1) & 0xFFFF_FFF0) | 0x4, pci.ReadConfigSpace(0x20, 4));
        pci.WriteConfigSpace(0x24, 4, 0xFFFF_FFFF);
        Assert.Equal(0xFFFF_FFFFu, pci.ReadConfigSpace(0x24, 4));
        pci.WriteConfigSpace(0x10, 4, 0xFFFF_FFFF);
        Assert.Equal(0u, pci.ReadConfigSpace(0x10, 4));
    }

    [Fact]
    public void Bad_options_are_rejected_at_construction()
    {
        var t = TestDevice.Create("mmio");
        Assert.Throws<ArgumentException>(() => new PciTransport(t.Model, new PciTransportOptions { NotifyOffMultiplier = 6 }));
        Assert.Throws<ArgumentException>(() => new PciTransport(t.Model, new PciTransportOptions { MsixVectors = 0 }));
    }
}
