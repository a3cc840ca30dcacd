using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;
using Virtsim.Virtio.Transport.Mmio;
using R = Virtsim.Virtio.Transport.Mmio.MmioRegister;

namespace Virtsim.Virtio.Tests.Transport;

public class MmioTransportTests
{
    private static (TestDevice T, MmioTransport Mmio) Create(FakeDeviceHandler? handler = null)
    {
        var t = TestDevice.Create("mmio", handler);
        return (t, t.Mmio!);
    }

    private static uint Read(MmioTransport m, int register) => m.Read((ulong)register, 4);
    private static void Write(MmioTransport m, int register, uint value) => m.Write((ulong)register, 4, value);

    private static void ToFeaturesOk(MmioTransport m)
    {
        Write(m, R.Status, 3);
        Write(m, R.DriverFeaturesSel, 1);
        Write(m, R.DriverFeatures, 1);
        Write(m, R.Status, 11);
        Assert.Equal(11u, Read(m, R.Status));
    }

    [Fact]
    public void Identification_registers()
    {
        var (_, m) = Create(new FakeDeviceHandler { Type = DeviceType.Console });
        Assert.Equal(0x74726976u, Read(m, 0x000));
        Assert.Equal(2u, Read(m, 0x004));
        Assert.Equal(3u, Read(m, 0x008));
        Assert.Equal(0x1AF4u, Read(m, 0x00C));
    }

    [Fact]
    public void Feature_registers_sit_at_their_offsets()
    {
        var (t, m) = Create();
        Write(m, 0x014, 1);
        Assert.Equal(1u, t.Model.Negotiation.DeviceFeatureSelect);
        Assert.Equal(t.Handler.OfferedFeatures.GetWindow(1), Read(m, 0x010));
        t.Model.Negotiation.DeviceFeatureSelect = 3;
        Assert.Equal(t.Handler.OfferedFeatures.GetWindow(3), Read(m, 0x010));

        Write(m, 0x024, 2);
        Assert.Equal(2u, t.Model.Negotiation.DriverFeatureSelect);
        Write(m, 0x020, 1u << 6);
        Assert.Equal(FeatureSet.Of(70), t.Model.Negotiation.DriverFeatures);
    }

    [Fact]
    public void Queue_registers_sit_at_their_offsets_both_ways()
    {
        var (t, m) = Create();
        var q1 = t.Model.Queues[1];
        Write(m, 0x030, 1);
        Assert.Equal(1u, m.QueueSel);
        Assert.Equal(256u, Read(m, 0x034));
        Write(m, 0x038, 64);
        Assert.Equal(64, q1.Size);
        Write(m, 0x080, 0x1000);
        Write(m, 0x084, 0x1);
        Write(m, 0x090, 0x2000);
        Write(m, 0x094, 0x2);
        Write(m, 0x0A0, 0x3000);
        Write(m, 0x0A4, 0x3);
        Assert.Equal(0x1_0000_1000UL, q1.DescriptorArea);
        Assert.Equal(0x2_0000_2000UL, q1.DriverArea);
        Assert.Equal(0x3_0000_3000UL, q1.DeviceArea);

        // Enable via QueueReady (needs FEATURES_OK); read back; model agrees.
        Write(m, 0x084, 0);
        Write(m, 0x094, 0);
        Write(m, 0x0A4, 0);
        ToFeaturesOk(m);
        Write(m, 0x030, 1);
        Assert.Equal(0u, Read(m, 0x044));
        Write(m, 0x044, 1);
        Assert.Equal(1u, Read(m, 0x044));
        Assert.True(q1.Enabled);
        Assert.Equal(new Virtsim.Virtio.Queues.QueueConfig(Virtsim.Virtio.Queues.QueueFormat.Split, 64, 0x1000, 0x2000, 0x3000,
            FeatureSet.Of(FeatureBit.Version1)), q1.Queue!.Config);
        // Writes to queue registers while ready are ignored.
        Write(m, 0x038, 32);
        Assert.Equal(64, q1.Size);
        // QueueReady = 0 stops the queue.
        Write(m, 0x044, 0);
        Assert.Equal(0u, Read(m, 0x044));
        Assert.False(q1.Enabled);

        // Unavailable queue: QueueNumMax 0.
        Write(m, 0x030, 2);
        Assert.Equal(0u, Read(m, 0x034));
        Assert.Equal(0u, Read(m, 0x044));
    }

    [Fact]
    public void Status_interrupt_and_generation_registers()
    {
        var (t, m) = Create();
        Write(m, 0x070, 1);
        Assert.Equal(DeviceStatus.Acknowledge, t.Model.Status);
        t.Model.WriteStatus(3);
        Assert.Equal(3u, Read(m, 0x070));

        uint generation = Read(m, 0x0FC);
        t.Handler.ChangeConfig(0, 5);
        Assert.Equal(generation + 1, Read(m, 0x0FC));
        Assert.Equal(t.Model.ConfigGeneration, Read(m, 0x0FC));

        t.Model.SignalQueue(0);
        t.Model.SignalConfig();
        Assert.Equal(3u, Read(m, 0x060));
        Assert.True(t.Sink.LineAsserted);
        Write(m, 0x064, 1);
        Assert.Equal(2u, Read(m, 0x060));
        Assert.True(t.Sink.LineAsserted);
        Write(m, 0x064, 2);
        Assert.Equal(0u, Read(m, 0x060));
        Assert.False(t.Sink.LineAsserted);

        // Status writes wider than 8 bits are refused.
        Write(m, 0x070, 0x103);
        Assert.Equal(3u, Read(m, 0x070));
    }

    [Fact]
    public void Queue_notify_serves_the_queue_and_interrupts()
    {
        var (t, m) = Create();
        Assert.True(t.Init().Succeeded);
        Write(m, 0x050, 1);
        Assert.Equal([1], t.Handler.Processed);
        Assert.Equal(NotifyOutcome.Processed, m.LastNotify!.Value.Outcome);
        Assert.Equal(1u, Read(m, 0x060));
        Write(m, 0x050, 9);
        Assert.Equal(NotifyOutcome.Ignored, m.LastNotify!.Value.Outcome);
        Assert.Equal([1], t.Handler.Processed);
    }

    [Fact]
    public void Queue_reset_register_resets_the_selected_queue()
    {
        var (t, m) = Create();
        Assert.True(t.Init().Succeeded);
        Write(m, 0x030, 0);
        Write(m, 0x0C0, 1);
        Assert.Equal(0u, Read(m, 0x0C0));
        Assert.Equal(0u, Read(m, 0x044));
        Assert.False(t.Model.Queues[0].Enabled);
        Assert.True(t.Model.Queues[1].Enabled);
    }

    [Fact]
    public void Shared_memory_registers_report_no_region()
    {
        var (_, m) = Create();
        Write(m, 0x0AC, 0);
        Assert.Equal(0xFFFF_FFFFu, Read(m, 0x0B0));
        Assert.Equal(0xFFFF_FFFFu, Read(m, 0x0B4));
        Assert.Equal(0xFFFF_FFFFu, Read(m, 0x0B8));
        Assert.Equal(0xFFFF_FFFFu, Read(m, 0x0BC));
    }

    [Fact]
    public void Device_config_at_0x100_takes_1_2_and_4_byte_accesses()
    {
        var (t, m) = Create();
        for (int i = 0; i < 8; i++) t.Handler.Config[i] = (byte)(0x10 + i);
        Assert.Equal(0x10u, m.Read(0x100, 1));
        Assert.Equal(0x1312u, m.Read(0x102, 2));
        Assert.Equal(0x1716_1514u, m.Read(0x104, 4));
        uint generation = Read(m, 0x0FC);
        m.Write(0x108, 4, 0xCAFEBABE);
        Assert.Equal(0xCAFEBABEu, m.Read(0x108, 4));
        Assert.Equal(generation + 1, Read(m, 0x0FC));
        m.Write(0x10C, 1, 0x5A);
        Assert.Equal(0x5Au, m.Read(0x10C, 1));
        // Past the config and misaligned accesses are ignored.
        Assert.Equal(0u, m.Read(0x110, 1));
        Assert.Equal(0u, m.Read(0x101, 2));
        Assert.Equal(16 + 0x100, m.WindowSize);
    }

    [Fact]
    public void Non_32_bit_control_accesses_write_only_reads_and_read_only_writes_are_ignored()
    {
        var (t, m) = Create();
        int before = m.IgnoredAccesses;
        Assert.Equal(0u, m.Read(0x070, 2));
        m.Write(0x070, 1, 1);
        Assert.Equal(DeviceStatus.None, t.Model.Status);
        Assert.Equal(0u, Read(m, 0x014)); // DeviceFeaturesSel is write-only
        Assert.Equal(0u, Read(m, 0x050)); // QueueNotify is write-only
        Write(m, 0x000, 1);               // MagicValue is read-only
        Write(m, 0x0FC, 1);               // ConfigGeneration is read-only
        Assert.Equal(0x74726976u, Read(m, 0x000));
        Assert.Equal(0u, m.Read(0x002, 4)); // misaligned
        Assert.Equal(before + 7, m.IgnoredAccesses);
    }
}
