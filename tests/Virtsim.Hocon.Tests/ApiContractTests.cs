namespace Virtsim.Hocon.Tests;

public class ApiContractTests
{
    [Fact]
    public void Null_arguments_are_reported_as_hocon_exceptions()
    {
        Assert.Throws<HoconException>(() => HoconConfig.Parse((string)null!));
        Assert.Throws<HoconException>(() => HoconConfig.ParseFile(null!));
        Assert.Throws<HoconException>(() => HoconConfig.Empty.WithFallback(null!));
        Assert.Throws<HoconException>(() => new HoconArray(null!, default));
    }

    [Fact]
    public void Numbers_must_be_json_numbers()
    {
        Assert.Equal("1.5e3", new HoconNumber("1.5e3", default).Text);
        Assert.Throws<HoconException>(() => new HoconNumber("1.5.3", default));
        Assert.Throws<HoconException>(() => new HoconNumber("abc", default));
    }

    [Fact]
    public void Empty_config_has_nothing()
    {
        Assert.Equal("{}", HoconConfig.Empty.ToJson());
        Assert.False(HoconConfig.Empty.HasPath("a"));
    }
}
