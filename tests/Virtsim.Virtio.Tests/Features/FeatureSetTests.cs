using FsCheck;
using FsCheck.Fluent;
using Virtsim.Virtio.Features;

namespace Virtsim.Virtio.Tests.Features;

public class FeatureSetTests
{
    [Fact]
    public void Bits_land_in_the_right_half_and_window()
    {
        var set = FeatureSet.Of(FeatureBit.Version1, FeatureBit.EventIdx, 127);
        Assert.Equal((1UL << 32) | (1UL << 29), set.Low);
        Assert.Equal(1UL << 63, set.High);
        Assert.Equal(1u << 29, set.GetWindow(0));
        Assert.Equal(1u, set.GetWindow(1));
        Assert.Equal(0u, set.GetWindow(2));
        Assert.Equal(1u << 31, set.GetWindow(3));
        Assert.Equal(0u, set.GetWindow(4));
    }

    [Fact]
    public void Out_of_range_bits_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FeatureSet.None.With(128));
        Assert.Throws<ArgumentOutOfRangeException>(() => FeatureSet.None.Has(-1));
    }

    [Fact]
    public void Formats_names_per_device_type()
    {
        var set = FeatureSet.Of(NetFeatureBit.Mac, NetFeatureBit.MrgRxbuf, FeatureBit.Version1, 100);
        Assert.Equal("MAC|MRG_RXBUF|VERSION_1|BIT_100", FeatureNames.Format(set, DeviceType.Net));
        Assert.Equal("BIT_5|BIT_15|VERSION_1|BIT_100", FeatureNames.Format(set));
        Assert.Equal("none", FeatureNames.Format(FeatureSet.None));
    }

    [Fact]
    public void Window_writes_round_trip_through_all_four_windows() =>
        Prop.ForAll<ulong, ulong>((low, high) =>
        {
            var original = new FeatureSet(low, high);
            var rebuilt = FeatureSet.None;
            for (uint w = 0; w < FeatureSet.WindowCount; w++) rebuilt = rebuilt.WithWindow(w, original.GetWindow(w));
            return rebuilt == original;
        }).QuickCheckThrowOnFailure();

    [Fact]
    public void Subset_and_except_agree() =>
        Prop.ForAll<ulong, ulong, ulong>((a, b, c) =>
        {
            var x = new FeatureSet(a, b);
            var y = new FeatureSet(c, a ^ c ^ b);
            return (x & y).IsSubsetOf(x) && x.Except(y).IsSubsetOf(x) && (x.Except(y) & y).IsEmpty
                   && x.IsSubsetOf(x | y) && (x.IsSubsetOf(y) == x.Except(y).IsEmpty);
        }).QuickCheckThrowOnFailure();
}
