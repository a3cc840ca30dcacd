namespace Virtsim.Hocon.Tests;

public class MergeTests
{
    [Fact]
    public void Repeated_object_keys_merge() =>
        Assert.Equal("""{"foo":{"a":42,"b":43}}""", Hocon.Json("""{ "foo" : { "a" : 42 }, "foo" : { "b" : 43 } }"""));

    [Fact]
    public void Later_non_object_value_wins() => Assert.Equal("""{"foo":2}""", Hocon.Json("foo = { a = 1 }\nfoo = 2"));

    [Fact]
    public void Non_object_value_resets_the_merge() =>
        Assert.Equal("""{"foo":{"b":43}}""", Hocon.Json("""{ "foo" : { "a" : 42 }, "foo" : null, "foo" : { "b" : 43 } }"""));

    [Fact]
    public void Merge_is_recursive_and_keeps_first_key_order() =>
        Assert.Equal("""{"a":{"x":{"p":1,"q":3,"r":4},"y":2},"b":0}""",
            Hocon.Json("a { x { p = 1, q = 2 }, y = 2 }\nb = 0\na.x { q = 3, r = 4 }"));

    [Fact]
    public void Plus_equals_appends_to_an_array() =>
        Assert.Equal("""{"a":[1,2,3],"b":["x"]}""", Hocon.Json("a = [1]\na += 2\na += 3\nb += x"));

    [Fact]
    public void Plus_equals_inside_nested_objects_uses_the_full_path() =>
        Assert.Equal("""{"node":{"tags":["a","b"]}}""", Hocon.Json("node { tags = [a] }\nnode { tags += b }"));

    [Fact]
    public void Plus_equals_on_a_non_array_is_an_error() =>
        Assert.Contains("cannot concatenate", Hocon.Error("a = 1\na += 2").Message);

    [Fact]
    public void With_fallback_merges_objects_and_keeps_own_values()
    {
        var reference = Hocon.Parse("node { port = 7000, host = localhost, timeouts { ask = 5s } }\nlist = [1]");
        var app = Hocon.Parse("node { port = 7100, timeouts { tick = 1ms } }");
        var merged = app.WithFallback(reference);
        Assert.Equal("""{"node":{"port":7100,"host":"localhost","timeouts":{"ask":"5s","tick":"1ms"}},"list":[1]}""", merged.ToJson());
    }

    [Fact]
    public void With_fallback_follows_spec_adjacency_rule()
    {
        var first = Hocon.Parse("a : { x : 1 }");
        var second = Hocon.Parse("a : 42");
        var third = Hocon.Parse("a : { y : 2 }");
        Assert.Equal("""{"a":{"x":1}}""", first.WithFallback(second).WithFallback(third).ToJson());
        Assert.Equal("""{"a":{"y":2,"x":1}}""", first.WithFallback(third).WithFallback(second).ToJson());
    }

    [Fact]
    public void Fallback_option_lets_substitutions_refer_to_reference_values()
    {
        var reference = Hocon.Parse("defaults { mtu = 1500 }");
        var options = Hocon.Options();
        var app = HoconConfig.Parse("nic.mtu = ${defaults.mtu}", new HoconParseOptions
        {
            Environment = options.Environment,
            SourceName = "app.conf",
            Fallback = reference,
        });
        Assert.Equal(1500, app.GetInt("nic.mtu"));
    }
}
