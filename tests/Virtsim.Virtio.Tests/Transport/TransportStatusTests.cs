using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;
using Virtsim.Virtio.Transport;

namespace Virtsim.Virtio.Tests.Transport;

/// <summary>Status transitions and feature negotiation through the registers of both transports.</summary>
public class TransportStatusTests
{
    private const DeviceStatus A = DeviceStatus.Acknowledge, D = DeviceStatus.Driver, F = DeviceStatus.FeaturesOk, Ok = DeviceStatus.DriverOk;

    public static TheoryData<string> Transports => new() { "pci", "mmio" };

    [Theory]
    [MemberData(nameof(Transports))]
    public void Legal_transitions_stick_and_read_back(string transport)
    {
        var t = TestDevice.Create(transport);
        var port = t.Port;
        port.WriteStatus(A);
        Assert.Equal(A, port.ReadStatus());
        port.WriteStatus(A | D);
        Assert.Equal(A | D, port.ReadStatus());
        port.WriteDriverFeatures(TestDevice.DriverFeatures);
        port.WriteStatus(A | D | F);
        Assert.Equal(A | D | F, port.ReadStatus());
        Assert.Equal(TestDevice.DriverFeatures, t.Model.NegotiatedFeatures);
        port.WriteStatus(A | D | F | Ok);
        Assert.Equal(A | D | F | Ok, port.ReadStatus());
        Assert.Equal(StatusWriteKind.DriverOk, t.Model.LastStatusWrite.Kind);
        Assert.Equal(TestDevice.DriverFeatures, t.Handler.Activated);
        port.WriteStatus(A | D | F | Ok | DeviceStatus.Failed);
        Assert.Equal(A | D | F | Ok | DeviceStatus.Failed, port.ReadStatus());
        port.WriteStatus(DeviceStatus.None);
        Assert.Equal(DeviceStatus.None, port.ReadStatus());
        Assert.Equal(StatusWriteKind.Reset, t.Model.LastStatusWrite.Kind);
    }

    public static TheoryData<string, byte, byte, string> IllegalWrites()
    {
        var data = new TheoryData<string, byte, byte, string>();
        foreach (var transport in new[] { "pci", "mmio" })
        {
            data.Add(transport, 0, (byte)D, "without ACKNOWLEDGE");
            data.Add(transport, (byte)A, (byte)(A | F), "FEATURES_OK set before");
            data.Add(transport, (byte)(A | D), (byte)(A | D | Ok), "DRIVER_OK set before FEATURES_OK");
            data.Add(transport, (byte)(A | D), (byte)(A | D | F | Ok), "together with FEATURES_OK");
            data.Add(transport, (byte)(A | D | F), (byte)(A | D), "may not clear FEATURES_OK");
            data.Add(transport, (byte)(A | D | F | Ok), (byte)(A | D | F), "may not clear DRIVER_OK");
            data.Add(transport, (byte)A, (byte)(A | DeviceStatus.DeviceNeedsReset), "set by the device");
            data.Add(transport, (byte)A, 0x21, "reserved status bits");
            data.Add(transport, (byte)(A | D | F | Ok), (byte)(A | D | F | Ok | DeviceStatus.Suspend), "SUSPEND ignored");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(IllegalWrites))]
    public void Illegal_transitions_are_ignored_with_a_reason(string transport, byte start, byte write, string reason)
    {
        var t = TestDevice.Create(transport);
        Reach(t, (DeviceStatus)start);
        t.Port.WriteStatus((DeviceStatus)write);
        Assert.Equal((DeviceStatus)start, t.Port.ReadStatus());
        Assert.True(t.Model.LastStatusWrite.IsIllegal);
        Assert.Contains(reason, t.Model.LastStatusWrite.Reason);
    }

    private static void Reach(TestDevice t, DeviceStatus target)
    {
        foreach (var step in new[] { A, A | D, A | D | F, A | D | F | Ok })
        {
            if ((target & step) != step) break;
            if (step == (A | D | F)) t.Port.WriteDriverFeatures(TestDevice.DriverFeatures);
            t.Port.WriteStatus(step);
        }
        Assert.Equal(target, t.Port.ReadStatus());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Features_ok_does_not_stick_for_bits_not_offered(string transport)
    {
        var t = TestDevice.Create(transport);
        Reach(t, A | D);
        t.Port.WriteDriverFeatures(TestDevice.DriverFeatures.With(3).With(100));
        t.Port.WriteStatus(A | D | F);
        Assert.Equal(A | D, t.Port.ReadStatus());
        Assert.Equal(StatusWriteKind.FeaturesRefused, t.Model.LastStatusWrite.Kind);
        Assert.Contains("did not offer: BIT_3|BIT_100", t.Model.LastStatusWrite.Reason);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Features_ok_does_not_stick_without_version_1(string transport)
    {
        var t = TestDevice.Create(transport);
        Reach(t, A | D);
        t.Port.WriteDriverFeatures(FeatureSet.Of(0));
        t.Port.WriteStatus(A | D | F);
        Assert.Equal(A | D, t.Port.ReadStatus());
        Assert.Contains("VERSION_1", t.Model.LastStatusWrite.Reason);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Features_ok_does_not_stick_when_the_device_type_refuses(string transport)
    {
        var handler = new FakeDeviceHandler { Validator = f => f.Has(70) ? "bit 70 needs bit 5" : null };
        var t = TestDevice.Create(transport, handler);
        Reach(t, A | D);
        t.Port.WriteDriverFeatures(FeatureSet.Of(FeatureBit.Version1, 70));
        t.Port.WriteStatus(A | D | F);
        Assert.Equal(A | D, t.Port.ReadStatus());
        Assert.Contains("bit 70 needs bit 5", t.Model.LastStatusWrite.Reason);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void All_128_feature_bits_travel_through_the_four_windows(string transport)
    {
        var offer = new FeatureSet(0xDEAD_BEEF_0000_0001 | (1UL << FeatureBit.Version1), 0x8000_1234_5678_9ABC);
        var t = TestDevice.Create(transport, new FakeDeviceHandler { OfferedFeatures = offer });
        Assert.Equal(offer, t.Port.ReadDeviceFeatures());

        Reach(t, A | D);
        t.Port.WriteDriverFeatures(offer);
        Assert.Equal(offer, t.Model.Negotiation.DriverFeatures);
        if (t.PciPort != null) Assert.Equal(offer, t.PciPort.ReadDriverFeatures());
        t.Port.WriteStatus(A | D | F);
        Assert.Equal(offer, t.Model.NegotiatedFeatures);

        // Windows past the fourth read as zero; writes after FEATURES_OK do not change anything.
        t.Model.Negotiation.DeviceFeatureSelect = 4;
        Assert.Equal(0u, t.Model.ReadDeviceFeatures());
        t.Port.WriteDriverFeatures(FeatureSet.Of(FeatureBit.Version1));
        Assert.Equal(offer, t.Model.NegotiatedFeatures);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public void Writing_zero_resets_everything(string transport)
    {
        var t = TestDevice.Create(transport);
        Assert.True(t.Init().Succeeded);
        t.Model.SignalConfig();
        Assert.NotEqual(InterruptCause.None, t.Model.InterruptStatus);
        int resetsBefore = t.Handler.ResetCount;

        t.Port.WriteStatus(DeviceStatus.None);

        Assert.Equal(DeviceStatus.None, t.Port.ReadStatus());
        Assert.Equal(resetsBefore + 1, t.Handler.ResetCount);
        Assert.True(t.Model.NegotiatedFeatures.IsEmpty);
        Assert.True(t.Model.Negotiation.DriverFeatures.IsEmpty);
        Assert.Equal(InterruptCause.None, t.Model.InterruptStatus);
        Assert.False(t.Sink.LineAsserted);
        Assert.Equal(MsixVector.NoVector, t.Model.ConfigMsixVector);
        foreach (var q in t.Model.Queues)
        {
            Assert.False(q.Enabled);
            Assert.Null(q.Queue);
            Assert.Equal(q.MaxSize, q.Size);
            Assert.Equal(0UL, q.DescriptorArea | q.DriverArea | q.DeviceArea);
            Assert.Equal(MsixVector.NoVector, q.MsixVector);
            Assert.False(t.Port.IsQueueEnabled(q.Index));
        }
    }
}
