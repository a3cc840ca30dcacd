using FsCheck;
using FsCheck.Fluent;
using Virtsim.Fleet.Network;

namespace Virtsim.Fleet.Tests.Network;

public sealed class MacAddressTests
{
    private static string Text(byte[] mac) => Convert.ToHexString(mac);

    [Fact]
    public void The_first_devices_count_up_from_52_54_00_00_00_01_and_none_is_all_zero_below_the_prefix()
    {
        Assert.Equal("525400000001", Text(MacAddress.ForDevice(0)));
        Assert.Equal("525400000100", Text(MacAddress.ForDevice(255)));
        Assert.Equal("525400010000", Text(MacAddress.ForDevice(65_535)));
    }

    [Fact]
    public void A_fleet_of_300000_devices_gets_300000_distinct_locally_administered_unicast_addresses()
    {
        var seen = new HashSet<string>();
        for (long i = 0; i < 300_000; i++)
        {
            var mac = MacAddress.ForDevice(i);
            Assert.Equal(6, mac.Length);
            Assert.True(seen.Add(Text(mac)), $"device {i} repeats an address");
        }
        var first = MacAddress.ForDevice(0)[0];
        Assert.Equal(0, first & 1); // unicast
        Assert.Equal(2, first & 2); // locally administered
    }

    [Fact]
    public void Two_different_device_numbers_never_share_an_address()
    {
        var index = Gen.Choose(0, int.MaxValue).Select(i => (long)i * 97 % MacAddress.Capacity);
        Prop.ForAll(index.ToArbitrary(), index.ToArbitrary(), (a, b) =>
            a == b || !MacAddress.ForDevice(a).AsSpan().SequenceEqual(MacAddress.ForDevice(b)))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2_000));
    }

    [Fact]
    public void A_number_beyond_the_range_is_refused()
    {
        Assert.Equal("52FFFFFFFFFF", Text(MacAddress.ForDevice(MacAddress.Capacity - 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => MacAddress.ForDevice(MacAddress.Capacity));
        Assert.Throws<ArgumentOutOfRangeException>(() => MacAddress.ForDevice(-1));
    }
}
