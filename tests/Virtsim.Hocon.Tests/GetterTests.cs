namespace Virtsim.Hocon.Tests;

public class GetterTests
{
    private static readonly HoconConfig Config = Hocon.Parse("""
        s = hello
        n = 42
        big = 9000000000
        f = 2.5
        sn = "17"
        t = true
        y = yes
        off = off
        nul = null
        list = [a, 1, true]
        nested { a.b = 1, "x.y" = 2 }
        indexed { "1" = b, "0" = a, "x" = ignored }
        nodes = [ { name = n1 }, { name = n2 } ]
        """);

    [Fact]
    public void Strings_and_conversions()
    {
        Assert.Equal("hello", Config.GetString("s"));
        Assert.Equal("42", Config.GetString("n"));
        Assert.Equal("true", Config.GetString("t"));
    }

    [Fact]
    public void Integers_doubles_and_string_numbers()
    {
        Assert.Equal(42, Config.GetInt("n"));
        Assert.Equal(9_000_000_000L, Config.GetLong("big"));
        Assert.Equal(2.5, Config.GetDouble("f"));
        Assert.Equal(17, Config.GetInt("sn"));
        Assert.Contains("out of range", Assert.Throws<HoconException>(() => Config.GetInt("big")).Message);
        Assert.Contains("expected an integer", Assert.Throws<HoconException>(() => Config.GetInt("f")).Message);
        Assert.Contains("expected an integer", Assert.Throws<HoconException>(() => Config.GetInt("s")).Message);
    }

    [Fact]
    public void Booleans_accept_yes_no_on_off()
    {
        Assert.True(Config.GetBool("t"));
        Assert.True(Config.GetBool("y"));
        Assert.False(Config.GetBool("off"));
        Assert.Throws<HoconException>(() => Config.GetBool("s"));
    }

    [Fact]
    public void Null_is_an_error_for_typed_getters_and_not_a_path()
    {
        Assert.False(Config.HasPath("nul"));
        Assert.Contains("is null", Assert.Throws<HoconException>(() => Config.GetString("nul")).Message);
    }

    [Fact]
    public void Has_path_and_missing_paths()
    {
        Assert.True(Config.HasPath("nested.a.b"));
        Assert.True(Config.HasPath("nested.\"x.y\""));
        Assert.False(Config.HasPath("nested.x.y"));
        Assert.False(Config.HasPath("s.deeper"));
        var e = Assert.Throws<HoconException>(() => Config.GetInt("nope"));
        Assert.Equal("no configuration setting found for path 'nope'", e.Message);
        Assert.Throws<HoconException>(() => Config.HasPath("a..b"));
    }

    [Fact]
    public void Lists_and_numerically_indexed_objects()
    {
        Assert.Equal(["a", "1", "true"], Config.GetStringList("list"));
        Assert.Equal(["a", "b"], Config.GetStringList("indexed"));
        Assert.Equal(["n1", "n2"], Config.GetConfigList("nodes").Select(c => c.GetString("name")));
        Assert.Throws<HoconException>(() => Config.GetList("s"));
    }

    [Fact]
    public void Get_config_returns_a_sub_tree()
    {
        var nested = Config.GetConfig("nested");
        Assert.Equal(1, nested.GetInt("a.b"));
        Assert.Equal("""{"a":{"b":1},"x.y":2}""", nested.ToJson());
        Assert.Throws<HoconException>(() => Config.GetConfig("s"));
    }

    [Theory]
    [InlineData("d = 10", 10 * TimeSpan.TicksPerMillisecond)]
    [InlineData("d = 10ms", 10 * TimeSpan.TicksPerMillisecond)]
    [InlineData("d = \"10 milliseconds\"", 10 * TimeSpan.TicksPerMillisecond)]
    [InlineData("d = 1 millis", TimeSpan.TicksPerMillisecond)]
    [InlineData("d = 1.5s", 15 * TimeSpan.TicksPerSecond / 10)]
    [InlineData("d = 2 seconds", 2 * TimeSpan.TicksPerSecond)]
    [InlineData("d = 1 second", TimeSpan.TicksPerSecond)]
    [InlineData("d = 3m", 3 * TimeSpan.TicksPerMinute)]
    [InlineData("d = 3 minutes", 3 * TimeSpan.TicksPerMinute)]
    [InlineData("d = 2h", 2 * TimeSpan.TicksPerHour)]
    [InlineData("d = 1 hour", TimeSpan.TicksPerHour)]
    [InlineData("d = 1d", TimeSpan.TicksPerDay)]
    [InlineData("d = 7 days", 7 * TimeSpan.TicksPerDay)]
    [InlineData("d = 500us", 5000)]
    [InlineData("d = 3 microseconds", 30)]
    [InlineData("d = 1500ns", 15)]
    [InlineData("d = 200 nanoseconds", 2)]
    [InlineData("d = \"  5 s  \"", 5 * TimeSpan.TicksPerSecond)]
    public void Durations_follow_the_spec_units(string text, long ticks) =>
        Assert.Equal(TimeSpan.FromTicks(ticks), Hocon.Parse(text).GetDuration("d"));

    [Theory]
    [InlineData("d = 10 S")]
    [InlineData("d = 10 fortnights")]
    [InlineData("d = ms")]
    [InlineData("d = [1]")]
    public void Bad_durations_are_errors(string text)
    {
        var e = Assert.Throws<HoconException>(() => Hocon.Parse(text).GetDuration("d"));
        Assert.Equal(1, e.Position!.Value.Line);
    }

    [Theory]
    [InlineData("s = 100", 100L)]
    [InlineData("s = 10B", 10L)]
    [InlineData("s = 10 bytes", 10L)]
    [InlineData("s = 1 byte", 1L)]
    [InlineData("s = 2kB", 2000L)]
    [InlineData("s = 2 kilobytes", 2000L)]
    [InlineData("s = 2K", 2048L)]
    [InlineData("s = 2k", 2048L)]
    [InlineData("s = 2Ki", 2048L)]
    [InlineData("s = 2KiB", 2048L)]
    [InlineData("s = 2 kibibytes", 2048L)]
    [InlineData("s = 3MB", 3_000_000L)]
    [InlineData("s = 3 megabytes", 3_000_000L)]
    [InlineData("s = 3M", 3L * 1024 * 1024)]
    [InlineData("s = 3 MiB", 3L * 1024 * 1024)]
    [InlineData("s = 4GB", 4_000_000_000L)]
    [InlineData("s = 4G", 4L << 30)]
    [InlineData("s = 4 gibibytes", 4L << 30)]
    [InlineData("s = 1TB", 1_000_000_000_000L)]
    [InlineData("s = 1TiB", 1L << 40)]
    [InlineData("s = 1PB", 1_000_000_000_000_000L)]
    [InlineData("s = 1 pebibyte", 1L << 50)]
    [InlineData("s = 1EB", 1_000_000_000_000_000_000L)]
    [InlineData("s = 1 Ei", 1L << 60)]
    [InlineData("s = 1.5K", 1536L)]
    public void Sizes_follow_the_spec_units(string text, long bytes) =>
        Assert.Equal(bytes, Hocon.Parse(text).GetBytes("s"));

    [Theory]
    [InlineData("r = 64MiB/s", 64L << 20)]
    [InlineData("r = 1 GiB/s", 1L << 30)]
    [InlineData("r = \"100MB/second\"", 100_000_000L)]
    [InlineData("r = 10K/sec", 10L << 10)]
    [InlineData("r = 4096", 4096L)]
    [InlineData("r = \"512\"", 512L)]
    [InlineData("r = 0/s", 0L)]
    public void Rates_are_sizes_per_second(string text, long bytesPerSecond) =>
        Assert.Equal(bytesPerSecond, Hocon.Parse(text).GetBytesPerSecond("r"));

    [Theory]
    [InlineData("r = 64MiB", "size per second")]
    [InlineData("r = 64MiB/h", "size per second")]
    [InlineData("r = 1 XB/s", "unknown unit 'XB'")]
    [InlineData("r = 0.5B/s", "whole number")]
    [InlineData("r = [1]", "expected a rate")]
    public void Bad_rates_are_positioned_errors(string text, string message)
    {
        var e = Assert.Throws<HoconException>(() => Hocon.Parse(text).GetBytesPerSecond("r"));
        Assert.Contains(message, e.Message);
        Assert.NotNull(e.Position);
    }

    [Theory]
    [InlineData("s = 1ZB", "64 bits")]
    [InlineData("s = 1 yobibyte", "64 bits")]
    [InlineData("s = 10 KB", "unknown unit 'KB'")]
    [InlineData("s = 0.5B", "whole number")]
    public void Bad_sizes_are_errors(string text, string message) =>
        Assert.Contains(message, Assert.Throws<HoconException>(() => Hocon.Parse(text).GetBytes("s")).Message);

    [Fact]
    public void To_json_is_stable_in_insertion_order_and_indentable()
    {
        var c = Hocon.Parse("z = 1\na { y = \"q\\\"\", b = [1, {}] }\nm = []");
        Assert.Equal("""{"z":1,"a":{"y":"q\"","b":[1,{}]},"m":[]}""", c.ToJson());
        Assert.Equal("{\n  \"z\": 1,\n  \"a\": {\n    \"y\": \"q\\\"\",\n    \"b\": [\n      1,\n      {}\n    ]\n  },\n  \"m\": []\n}", c.ToJson(indented: true));
    }
}
