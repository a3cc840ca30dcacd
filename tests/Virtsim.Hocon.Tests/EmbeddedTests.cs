namespace Virtsim.Hocon.Tests;

public class EmbeddedTests
{
    private const string Resource = "Virtsim.Hocon.Tests.reference.conf";

    [Fact]
    public void An_embedded_reference_is_named_by_its_resource_and_ignores_the_environment()
    {
        var config = HoconConfig.ParseEmbedded(typeof(EmbeddedTests).Assembly, Resource);
        Assert.Equal("none", config.GetString("path"));
        Assert.Equal(new HoconPosition(Resource, 4, 5), config.GetValue("n").Position);
    }

    [Fact]
    public void The_embedded_text_is_returned_as_written()
    {
        var text = HoconConfig.ReadEmbedded(typeof(EmbeddedTests).Assembly, Resource);
        Assert.StartsWith("# Embedded in the test assembly", text, StringComparison.Ordinal);
        Assert.EndsWith("n = 1\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_resource_is_a_hocon_exception()
    {
        var e = Assert.Throws<HoconException>(() => HoconConfig.ParseEmbedded(typeof(EmbeddedTests).Assembly, "nope.conf"));
        Assert.Contains("nope.conf is not embedded in Virtsim.Hocon.Tests", e.Message);
        Assert.Throws<HoconException>(() => HoconConfig.ReadEmbedded(null!, Resource));
    }
}
