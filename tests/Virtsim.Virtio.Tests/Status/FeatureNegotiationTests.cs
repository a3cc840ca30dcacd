using FsCheck;
using FsCheck.Fluent;
using Virtsim.Virtio.Features;
using Virtsim.Virtio.Status;

namespace Virtsim.Virtio.Tests.Status;

public class FeatureNegotiationTests
{
    private static readonly FeatureSet Offer = FeatureSet.Of(1, FeatureBit.Version1, FeatureBit.RingPacked, 90);

    [Fact]
    public void A_subset_with_version_1_is_accepted_and_then_fixed()
    {
        var n = new FeatureNegotiation(Offer);
        n.WriteDriverFeatures(FeatureSet.Of(FeatureBit.Version1, 90));
        var outcome = n.TryAccept();
        Assert.True(outcome.Accepted);
        Assert.Equal(FeatureSet.Of(FeatureBit.Version1, 90), n.Negotiated);
        n.DriverFeatureSelect = 0;
        Assert.False(n.WriteDriverWindow(2));
        Assert.False(n.WriteDriverFeatures(Offer));
        Assert.Equal(FeatureSet.Of(FeatureBit.Version1, 90), n.Negotiated);
        n.Reset();
        Assert.False(n.IsAccepted);
        Assert.True(n.Negotiated.IsEmpty);
    }

    [Fact]
    public void Bits_not_offered_are_refused_and_named()
    {
        var n = new FeatureNegotiation(Offer);
        n.WriteDriverFeatures(FeatureSet.Of(FeatureBit.Version1, 3, 100));
        var outcome = n.TryAccept();
        Assert.Equal(NegotiationVerdict.NotOffered, outcome.Verdict);
        Assert.Equal(FeatureSet.Of(3, 100), outcome.Offending);
        Assert.Contains("BIT_3|BIT_100", outcome.Reason);
        Assert.False(n.IsAccepted);
    }

    [Fact]
    public void Missing_version_1_is_refused_on_modern_transports_only()
    {
        var modern = new FeatureNegotiation(Offer);
        modern.WriteDriverFeatures(FeatureSet.Of(1));
        Assert.Equal(NegotiationVerdict.MissingVersion1, modern.TryAccept().Verdict);

        var relaxed = new FeatureNegotiation(Offer, requireVersion1: false);
        relaxed.WriteDriverFeatures(FeatureSet.Of(1));
        Assert.True(relaxed.TryAccept().Accepted);
    }

    [Fact]
    public void The_device_types_own_check_can_refuse()
    {
        var n = new FeatureNegotiation(Offer, f => f.Has(FeatureBit.RingPacked) ? "packed needs bit 1" : null);
        n.WriteDriverFeatures(FeatureSet.Of(FeatureBit.Version1, FeatureBit.RingPacked));
        var outcome = n.TryAccept();
        Assert.Equal(NegotiationVerdict.RefusedByDevice, outcome.Verdict);
        Assert.Contains("packed needs bit 1", outcome.Reason);
    }

    [Fact]
    public void Windows_cover_128_bits_and_selects_past_them_read_zero()
    {
        var n = new FeatureNegotiation(new FeatureSet(0x1111_2222_3333_4444, 0x5555_6666_7777_8888));
        uint[] expected = [0x3333_4444, 0x1111_2222, 0x7777_8888, 0x5555_6666, 0];
        for (uint w = 0; w < 5; w++)
        {
            n.DeviceFeatureSelect = w;
            Assert.Equal(expected[w], n.DeviceWindow);
        }
        n.DriverFeatureSelect = 4;
        Assert.False(n.WriteDriverWindow(1));
    }

    [Fact]
    public void Accepting_is_exactly_the_subset_and_version_1_rule() =>
        Prop.ForAll<ulong, ulong, ulong>((offerLow, offerHigh, driverLow) =>
        {
            var offer = new FeatureSet(offerLow, offerHigh);
            var driver = new FeatureSet(driverLow, offerHigh);
            var n = new FeatureNegotiation(offer);
            n.WriteDriverFeatures(driver);
            bool expected = driver.IsSubsetOf(offer) && driver.Has(FeatureBit.Version1);
            return n.TryAccept().Accepted == expected && n.IsAccepted == expected;
        }).QuickCheckThrowOnFailure();
}
