namespace Virtsim.Hocon.Tests;

public class HoconSettingsTests
{
    private static readonly HoconConfig Reference =
        HoconConfig.Parse("a { n = 1, m = 2 }", new HoconParseOptions { SourceName = "x.reference.conf", Environment = _ => null });

    [Fact]
    public void A_missing_setting_is_reported_where_the_user_wrote_the_object()
    {
        var merged = Hocon.Parse("a {\n  m = 5\n}").WithFallback(Reference).GetConfig("a");
        var e = Assert.Throws<HoconException>(() => HoconSettings.At(merged, c => c.GetInt("missing")));
        Assert.Equal(new HoconPosition("test.conf", 2, 7), e.Position);
        Assert.Contains("no configuration setting found for path 'missing'", e.Message);
    }

    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("# nothing yet\n\n", 3, 1)]
    [InlineData("a.m = 5", 1, 1)]
    public void A_setting_missing_from_a_whole_document_over_a_reference_is_reported_in_the_document(string text, int line, int column)
    {
        var expected = new HoconPosition("test.conf", line, column);
        var withFallback = Hocon.Parse(text).WithFallback(Reference);
        var fallbackOption = HoconConfig.Parse(text, new HoconParseOptions { SourceName = "test.conf", Fallback = Reference, Environment = _ => null });
        foreach (var config in new[] { withFallback, fallbackOption })
        {
            Assert.Equal(expected, config.Root.Position);
            var e = Assert.Throws<HoconException>(() => HoconSettings.At(config, c => c.GetConfigList("hosts")));
            Assert.Equal($"test.conf:{line}:{column}: no configuration setting found for path 'hosts'", e.Message);
        }
    }

    [Fact]
    public void An_object_only_from_a_reference_is_reported_at_its_own_position()
    {
        var a = Reference.GetConfig("a");
        Assert.Equal(a.Root.Position, HoconSettings.OwnPosition(a));
        var where = new HoconPosition("elsewhere.conf", 3, 4);
        Assert.Equal(where, Assert.Throws<HoconException>(() => HoconSettings.At(where, a, c => c.GetInt("missing"))).Position);
    }

    [Fact]
    public void Positioned_errors_pass_through_and_good_values_are_returned()
    {
        var c = Hocon.Parse("s = text\nn = 3");
        Assert.Equal(3, HoconSettings.At(c, x => x.GetInt("n")));
        Assert.Equal(new HoconPosition("test.conf", 1, 5), Assert.Throws<HoconException>(() => HoconSettings.At(c, x => x.GetInt("s"))).Position);
    }

    [Fact]
    public void Range_checks_point_at_the_value()
    {
        var c = Hocon.Parse("q = 0\nbig = 9000000000");
        Assert.Equal(0, HoconSettings.AtLeast(c, "q", c.GetInt("q"), 0));
        var low = Assert.Throws<HoconException>(() => HoconSettings.AtLeast(c, "q", c.GetInt("q"), 1));
        Assert.Equal(new HoconPosition("test.conf", 1, 5), low.Position);
        Assert.Contains("q must be at least 1 (got 0)", low.Message);
        Assert.Equal(9_000_000_000L, HoconSettings.Range(c, "big", c.GetLong("big"), 1, 1L << 40));
        var out_ = Assert.Throws<HoconException>(() => HoconSettings.Range(c, "big", c.GetLong("big"), 1, 100));
        Assert.Equal(new HoconPosition("test.conf", 2, 7), out_.Position);
        Assert.Contains("big 9000000000 is outside 1..100", out_.Message);
    }
}
