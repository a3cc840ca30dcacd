namespace Virtsim.Hocon.Tests;

public class EnvironmentLookupFailureTests
{
    [Fact]
    public void Failing_environment_lookup_is_wrapped_with_the_substitution_position()
    {
        var options = new HoconParseOptions { Environment = _ => throw new InvalidOperationException("boom"), SourceName = "env.conf" };
        var e = Assert.Throws<HoconException>(() => HoconConfig.Parse("a = 1\nb = ${X}", options));
        Assert.Equal("env.conf:2:5: looking up environment variable X failed: boom", e.Message);
    }
}
