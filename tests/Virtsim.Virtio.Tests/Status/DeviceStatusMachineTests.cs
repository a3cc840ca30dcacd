using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;

namespace Virtsim.Virtio.Tests.Status;

public class DeviceStatusMachineTests
{
    private const DeviceStatus A = DeviceStatus.Acknowledge, D = DeviceStatus.Driver, F = DeviceStatus.FeaturesOk, Ok = DeviceStatus.DriverOk;

    private static FeatureNegotiation Negotiation(params int[] extra)
    {
        var offer = FeatureSet.Of([FeatureBit.Version1, FeatureBit.Suspend, .. extra]);
        var n = new FeatureNegotiation(offer);
        n.WriteDriverFeatures(offer);
        return n;
    }

    private static (DeviceStatusMachine Machine, FeatureNegotiation Negotiation) Live()
    {
        var m = new DeviceStatusMachine();
        var n = Negotiation();
        m.Write((byte)A, n);
        m.Write((byte)(A | D), n);
        m.Write((byte)(A | D | F), n);
        Assert.Equal(StatusWriteKind.DriverOk, m.Write((byte)(A | D | F | Ok), n).Kind);
        return (m, n);
    }

    [Fact]
    public void The_init_sequence_is_accepted_step_by_step()
    {
        var m = new DeviceStatusMachine();
        var n = Negotiation();
        Assert.Equal(StatusWriteKind.Accepted, m.Write((byte)A, n).Kind);
        Assert.Equal(StatusWriteKind.Accepted, m.Write((byte)(A | D), n).Kind);
        Assert.Equal(StatusWriteKind.Accepted, m.Write((byte)(A | D | F), n).Kind);
        Assert.True(n.IsAccepted);
        var ok = m.Write((byte)(A | D | F | Ok), n);
        Assert.Equal(StatusWriteKind.DriverOk, ok.Kind);
        Assert.Equal(A | D | F | Ok, m.Status);
        Assert.True(m.IsLive);
        Assert.Equal(StatusWriteKind.Unchanged, m.Write((byte)(A | D | F | Ok), n).Kind);
    }

    [Fact]
    public void Acknowledge_and_driver_may_be_set_in_one_write()
    {
        var m = new DeviceStatusMachine();
        Assert.Equal(StatusWriteKind.Accepted, m.Write((byte)(A | D), Negotiation()).Kind);
        Assert.Equal(A | D, m.Status);
    }

    public static TheoryData<byte, byte, string> IllegalWrites => new()
    {
        { 0, (byte)D, "DRIVER set without ACKNOWLEDGE" },
        { (byte)A, (byte)(A | F), "FEATURES_OK set before ACKNOWLEDGE and DRIVER" },
        { (byte)(A | D), (byte)(A | D | Ok), "DRIVER_OK set before FEATURES_OK" },
        { (byte)(A | D), (byte)(A | D | F | Ok), "DRIVER_OK set together with FEATURES_OK" },
        { 0, (byte)Ok, "DRIVER_OK set before ACKNOWLEDGE and DRIVER" },
        { (byte)(A | D), (byte)A, "driver may not clear DRIVER" },
        { (byte)(A | D | F), (byte)(A | F), "driver may not clear DRIVER" },
        { (byte)A, 0x20 | (byte)A, "reserved status bits 0x20" },
        { (byte)A, (byte)(A | DeviceStatus.DeviceNeedsReset), "DEVICE_NEEDS_RESET is set by the device" },
        { (byte)(A | D | F), (byte)(A | D | F | DeviceStatus.Suspend), "SUSPEND ignored: the device is not initialised" },
    };

    [Theory]
    [MemberData(nameof(IllegalWrites))]
    public void Illegal_writes_are_refused_with_a_reason_and_change_nothing(byte start, byte write, string reason)
    {
        var m = new DeviceStatusMachine();
        var n = Negotiation();
        // Reach the start state legally.
        foreach (var step in new[] { A, A | D, A | D | F })
            if (((DeviceStatus)start & step) == step) m.Write((byte)step, n);
        Assert.Equal((DeviceStatus)start, m.Status);

        var result = m.Write(write, n);
        Assert.True(result.IsIllegal, result.ToString());
        Assert.Contains(reason, result.Reason);
        Assert.Equal((DeviceStatus)start, m.Status);
    }

    [Fact]
    public void Refused_features_leave_features_ok_clear_with_the_reason()
    {
        var m = new DeviceStatusMachine();
        var n = new FeatureNegotiation(FeatureSet.Of(FeatureBit.Version1), _ => "no");
        n.WriteDriverFeatures(FeatureSet.Of(FeatureBit.Version1));
        m.Write((byte)(A | D), n);
        var result = m.Write((byte)(A | D | F), n);
        Assert.Equal(StatusWriteKind.FeaturesRefused, result.Kind);
        Assert.Contains("device refused the features: no", result.Reason);
        Assert.Equal(A | D, m.Status);
        Assert.False(n.IsAccepted);
        // And DRIVER_OK cannot follow.
        Assert.True(m.Write((byte)(A | D | Ok), n).IsIllegal);
    }

    [Fact]
    public void Failed_is_accepted_at_any_time_and_then_only_reset()
    {
        var m = new DeviceStatusMachine();
        var n = Negotiation();
        m.Write((byte)A, n);
        Assert.Equal(StatusWriteKind.Failed, m.Write((byte)(A | DeviceStatus.Failed), n).Kind);
        var next = m.Write((byte)(A | D | DeviceStatus.Failed), n);
        Assert.True(next.IsIllegal);
        Assert.Contains("only a reset", next.Reason);
        Assert.Equal(StatusWriteKind.Reset, m.Write(0, n).Kind);
        Assert.Equal(DeviceStatus.None, m.Status);
    }

    [Fact]
    public void Needs_reset_is_the_devices_bit_with_a_reason_and_blocks_progress()
    {
        var m = new DeviceStatusMachine();
        var n = Negotiation();
        m.Write((byte)(A | D), n);
        Assert.True(m.SetNeedsReset("ring broke"));
        Assert.False(m.SetNeedsReset("second reason"));
        Assert.Equal("ring broke", m.NeedsResetReason);

        var progress = m.Write((byte)(A | D | F | DeviceStatus.DeviceNeedsReset), n);
        Assert.True(progress.IsIllegal);
        Assert.Contains("ring broke", progress.Reason);
        var clear = m.Write((byte)(A | D | F), n);
        Assert.True(clear.IsIllegal);
        Assert.Contains("may not clear DEVICE_NEEDS_RESET", clear.Reason);
        Assert.Equal(StatusWriteKind.Failed, m.Write((byte)(A | D | DeviceStatus.DeviceNeedsReset | DeviceStatus.Failed), n).Kind);

        m.Write(0, n);
        Assert.Null(m.NeedsResetReason);
        Assert.Equal(DeviceStatus.None, m.Status);
    }

    [Fact]
    public void Suspend_and_resume_follow_the_one_point_four_rules()
    {
        var (m, n) = Live();
        var suspended = m.Write((byte)(A | D | F | Ok | DeviceStatus.Suspend), n);
        Assert.Equal(StatusWriteKind.Suspended, suspended.Kind);
        Assert.Equal(A | D | F | DeviceStatus.Suspend, m.Status);
        Assert.False(m.IsLive);
        var resumed = m.Write((byte)(A | D | F | DeviceStatus.Suspend | Ok), n);
        Assert.Equal(StatusWriteKind.Resumed, resumed.Kind);
        Assert.Equal(A | D | F | Ok, m.Status);
    }

    [Fact]
    public void Suspend_is_ignored_without_the_feature()
    {
        var m = new DeviceStatusMachine();
        var n = new FeatureNegotiation(FeatureSet.Of(FeatureBit.Version1));
        n.WriteDriverFeatures(FeatureSet.Of(FeatureBit.Version1));
        m.Write((byte)A, n);
        m.Write((byte)(A | D), n);
        m.Write((byte)(A | D | F), n);
        m.Write((byte)(A | D | F | Ok), n);
        var result = m.Write((byte)(A | D | F | Ok | DeviceStatus.Suspend), n);
        Assert.True(result.IsIllegal);
        Assert.Contains("VIRTIO_F_SUSPEND was not negotiated", result.Reason);
    }

    [Fact]
    public void Describe_names_every_bit()
    {
        Assert.Equal("0", DeviceStatus.None.Describe());
        Assert.Equal("ACKNOWLEDGE|DRIVER|FEATURES_OK|DRIVER_OK|SUSPEND|DEVICE_NEEDS_RESET|FAILED|0x20", ((DeviceStatus)0xFF).Describe());
    }
}
