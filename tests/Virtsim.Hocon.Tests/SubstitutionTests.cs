namespace Virtsim.Hocon.Tests;

public class SubstitutionTests
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["HOME"] = "/srv/sim",
        ["PATH"] = "/bin",
        ["EMPTY"] = "",
    };

    [Fact]
    public void Substitution_keeps_the_type_of_a_lone_value() =>
        Assert.Equal("""{"a":{"b":[1,2]},"c":[1,2],"d":{"b":[1,2]},"n":5,"m":5}""",
            Hocon.Json("a.b = [1,2]\nc = ${a.b}\nd = ${a}\nn = 5\nm = ${n}"));

    [Fact]
    public void Forward_references_work() => Assert.Equal("""{"a":"x","b":"x"}""", Hocon.Json("a = ${b}\nb = x"));

    [Fact]
    public void Substitution_sees_the_final_merged_value() =>
        Assert.Equal("""{"a":{"x":1,"y":2},"b":{"x":1,"y":2}}""", Hocon.Json("a { x = 1 }\nb = ${a}\na { y = 2 }"));

    [Fact]
    public void Optional_missing_substitution_removes_the_field() =>
        Assert.Equal("""{"b":1}""", Hocon.Json("a = ${?nope}\nb = 1"));

    [Fact]
    public void Optional_missing_substitution_keeps_the_previous_value() =>
        Assert.Equal("""{"a":1}""", Hocon.Json("a = 1\na = ${?nope}"));

    [Fact]
    public void Optional_missing_substitutions_in_concatenation_vanish() =>
        Assert.Equal("""{"a":"foo","c":["x"]}""", Hocon.Json("a = ${?x}foo\nb = ${?x}${?y}\nc = [${?nope}, x]"));

    [Fact]
    public void Required_missing_substitution_is_a_positioned_error()
    {
        var e = Hocon.Error("a = 1\nb = x ${nope.here}");
        Assert.Equal("test.conf:2:7: could not resolve substitution ${nope.here}: no value at that path and no environment variable nope.here", e.Message);
    }

    [Fact]
    public void Self_reference_appends_to_the_earlier_string() =>
        Assert.Equal("a:b:c:d", Hocon.Parse("path : \"a:b:c\"\npath : ${path}\":d\"").GetString("path"));

    [Fact]
    public void Self_reference_appends_to_the_earlier_array() =>
        Assert.Equal("""{"a":[1,2]}""", Hocon.Json("a = [1]\na = ${a} [2]"));

    [Fact]
    public void Self_reference_to_object_resolves_to_the_overridden_value() =>
        Assert.Equal("""{"foo":{"a":1}}""", Hocon.Json("foo : { a : 1 }\nfoo : ${foo}"));

    [Fact]
    public void Self_reference_through_a_path_looks_below() =>
        Assert.Equal("""{"foo":{"a":2,"c":1}}""", Hocon.Json("foo : { a : { c : 1 } }\nfoo : ${foo.a}\nfoo : { a : 2 }"));

    [Fact]
    public void Optional_self_reference_with_nothing_below_is_undefined() =>
        Assert.Equal("""{"a":"foo","b":1}""", Hocon.Json("a = ${?a}foo\nfoo : ${?foo}\nb = 1"));

    [Fact]
    public void Hidden_substitution_is_never_evaluated() =>
        Assert.Equal("""{"foo":42,"bar":42}""", Hocon.Json("foo : ${does-not-exist}\nfoo : 42\nbar : ${bar}\nbar : 42"));

    [Fact]
    public void Object_may_refer_to_its_own_fields() =>
        Assert.Equal("""{"bar":{"foo":43,"baz":43}}""", Hocon.Json("bar : { foo : 42,\n baz : ${bar.foo}\n }\nbar : { foo : 43 }"));

    [Fact]
    public void Mutually_referring_objects_look_forward() =>
        Assert.Equal("""{"bar":{"a":4,"b":3},"foo":{"c":3,"d":4}}""",
            Hocon.Json("bar : { a : ${foo.d}, b : 1 }\nbar.b = 3\nfoo : { c : ${bar.b}, d : 2 }\nfoo.d = 4"));

    [Fact]
    public void Self_reference_with_no_earlier_value_is_an_error()
    {
        var e = Hocon.Error("x = 1\nfoo : ${foo}");
        Assert.Equal(new HoconPosition("test.conf", 2, 7), e.Position);
        Assert.Contains("refers to its own field", e.Message);
    }

    [Fact]
    public void Self_reference_before_any_value_is_an_error_even_if_an_object_follows() =>
        Assert.Contains("refers to its own field", Hocon.Error("foo : ${foo}\nfoo : { a : 1 }").Message);

    [Theory]
    [InlineData("bar : ${foo}\nfoo : ${bar}", 2, 7)]
    [InlineData("a : ${b}\nb : ${c}\nc : ${a}", 3, 5)]
    public void Cycles_are_positioned_errors_not_hangs(string text, int line, int column)
    {
        var e = Hocon.Error(text);
        Assert.Contains("cycle", e.Message);
        Assert.Equal(line, e.Position!.Value.Line);
        Assert.Equal(column, e.Position!.Value.Column);
    }

    [Theory]
    [InlineData("a : { b : ${a} }")]
    [InlineData("a : [${a}]")]
    public void Self_reference_inside_own_object_or_array_is_a_cycle(string text) =>
        Assert.Contains("cycle", Hocon.Error(text).Message);

    [Fact]
    public void Order_dependent_pair_resolves_both_to_the_same_value()
    {
        var c = Hocon.Parse("a : 1\nb : 2\na : ${b}\nb : ${a}");
        Assert.Equal(c.GetInt("a"), c.GetInt("b"));
    }

    [Fact]
    public void Environment_is_the_fallback() =>
        Assert.Equal("""{"home":"/srv/sim","path":"/bin:/opt/bin","e":"","x":"y"}""",
            Hocon.Json("home = ${HOME}\npath = ${PATH}\":/opt/bin\"\ne = ${EMPTY}\nx = ${?NOT_SET}\nx = y", Env));

    [Fact]
    public void Self_referential_environment_extension() =>
        Assert.Equal("/bin:/more", Hocon.Parse("PATH = ${PATH}\":/more\"", Env).GetString("PATH"));

    [Fact]
    public void Config_value_blocks_the_environment() =>
        Assert.Equal("""{"HOME":null,"h":null}""", Hocon.Json("HOME = null\nh = ${HOME}", Env));

    [Fact]
    public void Null_substitution_in_string_concatenation() =>
        Assert.Equal("x null", Hocon.Parse("n = null\na = x ${n}").GetString("a"));

    [Fact]
    public void Long_substitution_chain_is_bounded_error_not_a_crash()
    {
        var text = string.Join("\n", Enumerable.Range(0, 2000).Select(i => $"a{i} = ${{a{i + 1}}}")) + "\na2000 = 1";
        var e = Hocon.Error(text);
        Assert.NotNull(e.Position);
    }
}
