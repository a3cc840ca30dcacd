namespace Virtsim.Hocon.Tests;

public class EdgeCaseTests
{
    [Fact]
    public void Crlf_line_endings_work() =>
        Assert.Equal("""{"a":"foo","b":[1,2],"c":{"d":true}}""", Hocon.Json("a = foo\r\nb = [\r\n1\r\n2\r\n]\r\nc {\r\n d = true\r\n}\r\n"));

    [Fact]
    public void Newlines_are_allowed_between_include_and_its_name()
    {
        using var dir = new TempDir();
        dir.Write("x.conf", "x = 1");
        Assert.Equal(1, HoconConfig.Parse("include\n  \"x.conf\"", Hocon.Options(baseDirectory: dir.Path)).GetInt("x"));
    }

    [Fact]
    public void Optional_marker_must_follow_the_brace_directly() =>
        Assert.Contains("character '?'", Hocon.Error("a = ${ ?x}").Message);

    [Fact]
    public void Separator_may_be_followed_by_a_newline_as_in_json() =>
        Assert.Equal("""{"a":1,"b":{"c":2}}""", Hocon.Json("{\"a\":\n 1, \"b\" :\n {\"c\" : 2}}"));

    [Fact]
    public void Include_inside_nested_object_with_plus_equals_appends_at_the_include_point()
    {
        using var dir = new TempDir();
        dir.Write("more.conf", "tags += extra");
        var main = dir.Write("main.conf", "node { tags = [base]\n include \"more.conf\" }");
        Assert.Equal(["base", "extra"], HoconConfig.ParseFile(main, Hocon.Options()).GetStringList("node.tags"));
    }

    [Fact]
    public void Null_reset_is_respected_by_later_fallbacks()
    {
        var reference = Hocon.Parse("foo = { a = 1 }\nfoo = null\nfoo = { b = 2 }");
        var older = Hocon.Parse("foo = { z = 0 }");
        var app = Hocon.Parse("foo { c = 3 }");
        Assert.Equal("""{"foo":{"b":2,"c":3}}""", app.WithFallback(reference).WithFallback(older).ToJson());
    }

    [Fact]
    public void Plus_equals_inside_array_elements_is_rejected() =>
        Assert.Contains("'+='", Hocon.Error("a = [ { b += 1 } ]").Message);

    [Fact]
    public void Substitution_of_whole_object_then_override_field() =>
        Assert.Equal("""{"base":{"mtu":1500,"queues":2},"nic":{"mtu":9000,"queues":2}}""",
            Hocon.Json("base { mtu = 1500, queues = 2 }\nnic = ${base}\nnic.mtu = 9000"));

    [Fact]
    public void Optional_substitution_in_object_concatenation_becomes_empty_object() =>
        Assert.Equal("""{"a":{"x":1}}""", Hocon.Json("a = ${?nope} { x = 1 }"));

    [Fact]
    public void Substitution_in_array_element_keeps_type() =>
        Assert.Equal("""{"n":5,"l":[5,"5 x",{"k":5}]}""", Hocon.Json("n = 5\nl = [${n}, ${n} x, { k = ${n} }]"));

    [Fact]
    public void Unresolved_model_is_visible_through_value_kinds()
    {
        var c = Hocon.Parse("a = 1\nb = ${a}");
        Assert.Equal(HoconValueKind.Number, c.GetValue("b").Kind);
        Assert.True(c.Root.IsResolved);
        Assert.Equal(new HoconPosition("test.conf", 1, 5), c.GetValue("a").Position);
    }

    [Fact]
    public void Stream_parse_reads_utf8()
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("name = \"naïve\""));
        Assert.Equal("naïve", HoconConfig.Parse(stream, Hocon.Options()).GetString("name"));
    }

    [Fact]
    public void Getter_paths_accept_quoted_elements_and_reject_garbage()
    {
        var c = Hocon.Parse("\"a.b\" { c = 1 }");
        Assert.Equal(1, c.GetInt("\"a.b\".c"));
        Assert.Throws<HoconException>(() => c.GetInt("a.{"));
        Assert.Throws<HoconException>(() => c.GetInt(""));
    }
}
