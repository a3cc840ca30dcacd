namespace Virtsim.Hocon.Tests;

public class SyntaxTests
{
    [Fact]
    public void Json_document_is_valid_hocon() =>
        Assert.Equal("""{"a":1,"b":[true,false,null],"c":{"d":"e\n"},"f":-1.5e3}""",
            Hocon.Json("""{ "a": 1, "b": [true, false, null], "c": {"d": "e\n"}, "f": -1.5e3 }"""));

    [Fact]
    public void Root_braces_may_be_omitted() =>
        Assert.Equal("""{"a":1,"b":"x"}""", Hocon.Json("a = 1\nb : x"));

    [Fact]
    public void Empty_document_is_an_empty_object() => Assert.Equal("{}", Hocon.Json("  \n # nothing\n"));

    [Theory]
    [InlineData("a = 1")]
    [InlineData("a : 1")]
    [InlineData("a=1")]
    [InlineData("\"a\" : 1")]
    public void Equals_and_colon_separate_keys_from_values(string text) => Assert.Equal("""{"a":1}""", Hocon.Json(text));

    [Fact]
    public void Separator_may_be_omitted_before_an_object() =>
        Assert.Equal("""{"foo":{"bar":{"x":1}}}""", Hocon.Json("foo { bar { x = 1 } }"));

    [Fact]
    public void Newlines_separate_fields_and_elements() =>
        Assert.Equal("""{"a":1,"b":2,"c":[1,2,3]}""", Hocon.Json("a = 1\nb = 2\nc = [\n1\n2\n3\n]"));

    [Fact]
    public void Single_trailing_comma_is_ignored() =>
        Assert.Equal("""{"a":[1,2,3],"o":{"x":1}}""", Hocon.Json("a = [1,2,3,], o = { x = 1, },"));

    [Fact]
    public void Comma_on_the_next_line_is_accepted_as_in_json() =>
        Assert.Equal("""{"a":[1,2],"b":1,"c":2}""", Hocon.Json("{\"a\" : [1\n, 2]\n, \"b\" : 1\n, \"c\" : 2}"));

    [Theory]
    [InlineData("a = [1,2,3,,]")]
    [InlineData("a = [,1,2,3]")]
    [InlineData("a = [1,,2,3]")]
    [InlineData("a = 1,,b = 2")]
    [InlineData(", a = 1")]
    public void Invalid_commas_are_errors(string text) => Hocon.Error(text);

    [Fact]
    public void Comments_with_hash_and_double_slash_are_ignored() =>
        Assert.Equal("""{"a":1,"b":"x # not a comment","c":"http://host/x"}""",
            Hocon.Json("# top\na = 1 // trailing\nb = \"x # not a comment\" # real\n// whole line\nc = \"http://host/x\""));

    [Fact]
    public void Unquoted_string_stops_at_double_slash_comment() =>
        Assert.Equal("""{"a":"foo"}""", Hocon.Json("a = foo//bar"));

    [Fact]
    public void Path_keys_create_nested_objects_and_merge() =>
        Assert.Equal("""{"a":{"x":42,"y":43},"foo":{"bar":{"baz":1}}}""", Hocon.Json("a.x : 42, a.y : 43\nfoo.bar.baz = 1"));

    [Fact]
    public void Quoted_key_with_dots_is_a_single_key() =>
        Assert.Equal("""{"a.b":{"c":1},"x":{"y.z":2}}""", Hocon.Json("\"a.b\".c = 1\nx.\"y.z\" = 2"));

    [Fact]
    public void Empty_quoted_path_element_is_allowed() =>
        Assert.Equal("""{"a":{"":{"b":1}}}""", Hocon.Json("a.\"\".b = 1"));

    [Theory]
    [InlineData("a..b = 1")]
    [InlineData(".a = 1")]
    [InlineData("a. = 1")]
    public void Empty_unquoted_path_elements_are_errors(string text) =>
        Assert.Contains("empty path element", Hocon.Error(text).Message);

    [Fact]
    public void Keys_are_always_strings_and_numbers_split_on_dots()
    {
        Assert.Equal("""{"true":42,"3":{"14":1},"10":{"0foo":2},"foo10":{"0":3},"foo10.0":4}""",
            Hocon.Json("true : 42\n3.14 : 1\n10.0foo : 2\nfoo10.0 : 3\nfoo\"10.0\" : 4"));
    }

    [Fact]
    public void Whitespace_inside_keys_is_kept() => Assert.Equal("""{"a b c":42}""", Hocon.Json("a b c : 42"));

    [Fact]
    public void Include_is_an_ordinary_string_when_not_starting_a_key() =>
        Assert.Equal("""{"foo include":42,"a":"include","b":["include"],"include":1}""",
            Hocon.Json("foo include : 42\na : include\nb = [ include ]\n\"include\" : 1"));

    [Fact]
    public void Quoted_strings_support_json_escapes() =>
        Assert.Equal("q\" b\\ s/ \b\f\n\r\t é", Hocon.Parse("a = \"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\"").GetString("a"));

    [Fact]
    public void Triple_quoted_strings_keep_everything_verbatim() =>
        Assert.Equal("line1\n  \"line2\" \\n ${x}", Hocon.Parse("a = \"\"\"line1\n  \"line2\" \\n ${x}\"\"\"").GetString("a"));

    [Fact]
    public void Extra_quotes_at_the_end_of_a_triple_quoted_string_belong_to_it() =>
        Assert.Equal("foo\"", Hocon.Parse("a = \"\"\"foo\"\"\"\"").GetString("a"));

    [Fact]
    public void Numbers_booleans_and_null_keep_their_types() =>
        Assert.Equal("""{"i":42,"n":-7,"f":1.5,"e":1e5,"t":true,"x":false,"z":null}""",
            Hocon.Json("i = 42, n = -7, f = 1.5, e = 1e5, t = true, x = false, z = null"));

    [Fact]
    public void Keyword_prefix_splits_but_concatenates_back() =>
        Assert.Equal("""{"a":"truefoo","b":"footrue","c":"10.0bar","d":"nullable"}""",
            Hocon.Json("a = truefoo\nb = footrue\nc = 10.0bar\nd = nullable"));

    [Fact]
    public void Unicode_whitespace_and_bom_are_whitespace() =>
        Assert.Equal("""{"a":1,"b":2,"c":2}""", Hocon.Json("\uFEFFa\u00A0=\u20031\nb\u2028=\u202F2\nc\t=\u202F2"));

    [Fact]
    public void Json_root_array_is_rejected_for_a_config() =>
        Assert.Contains("root", Hocon.Error("[1,2]").Message);
}
