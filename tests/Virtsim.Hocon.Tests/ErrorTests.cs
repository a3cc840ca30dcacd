namespace Virtsim.Hocon.Tests;

public class ErrorTests
{
    private static void AssertError(string text, string expectedMessage)
    {
        var e = Hocon.Error(text);
        Assert.Equal(expectedMessage, e.Message);
        Assert.NotNull(e.Position);
    }

    [Fact]
    public void Wrong_closing_bracket_in_object() =>
        AssertError("cluster {\n  nodes = 3\n  name = x ]", "test.conf:3:12: expected '}' or ',' (or a newline) after a field but found ']'");

    [Fact]
    public void Unterminated_object() =>
        AssertError("a {\n  b = 1\n", "test.conf:3:1: expected '}' to close the object opened at test.conf:1:3 but found end of file");

    [Fact]
    public void Unterminated_array() =>
        AssertError("a = [1, 2", "test.conf:1:10: expected ']' to close the array opened at test.conf:1:5 but found end of file");

    [Fact]
    public void Unbalanced_closing_brace_without_root_braces() =>
        AssertError("a = 1\n}", "test.conf:2:1: unbalanced '}': there is no matching '{' (a document without root braces cannot end with '}')");

    [Fact]
    public void Content_after_root_object() =>
        AssertError("{ a = 1 }\nb = 2", "test.conf:2:1: expected end of file after the root object but found 'b'");

    [Fact]
    public void Unterminated_quoted_string() =>
        AssertError("a = \"abc\nb = 1", "test.conf:1:5: unterminated quoted string: expected '\"' before the end of the line (use \"\"\" for multi-line strings)");

    [Fact]
    public void Unterminated_triple_quoted_string() =>
        AssertError("a = \"\"\"abc\n", "test.conf:1:5: unterminated multi-line string: expected '\"\"\"' but found end of file");

    [Fact]
    public void Bad_escape() =>
        AssertError("a = \"x\\qy\"", "test.conf:1:7: bad escape '\\q': expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");

    [Fact]
    public void Bad_unicode_escape() =>
        AssertError("a = \"\\u12G4\"", "test.conf:1:6: bad escape: expected four hex digits after '\\u'");

    [Fact]
    public void Control_character_in_quoted_string() =>
        AssertError("a = \"x\ty\"", "test.conf:1:7: control character U+0009 is not allowed in a quoted string (use an escape such as \\t or \\u0009)");

    [Theory]
    [InlineData("a = b*c", "test.conf:1:6: character '*' is not allowed in an unquoted string (put the text in double quotes)")]
    [InlineData("a = x\n  b = @home", "test.conf:2:7: character '@' is not allowed in an unquoted string (put the text in double quotes)")]
    [InlineData("a = 1 + 2", "test.conf:1:7: unexpected '+' (only '+=' is allowed; quote the text to use '+' in a string)")]
    [InlineData("a = $x", "test.conf:1:5: unexpected '$' (a substitution is written ${path}; quote the text to use '$' in a string)")]
    [InlineData("a = -x", "test.conf:1:5: expected a digit after '-' but found 'x' (an unquoted string cannot start with '-'; quote it)")]
    public void Invalid_characters_in_unquoted_strings(string text, string message) => AssertError(text, message);

    [Fact]
    public void Missing_value() => AssertError("a = \n}", "test.conf:2:1: expected a value but found '}'");

    [Fact]
    public void Missing_separator() => AssertError("a b\nc = 1", "test.conf:1:4: expected ':', '=', '+=' or '{' after the key '\"a b\"' but found newline");

    [Fact]
    public void Key_followed_by_array_needs_a_separator() =>
        AssertError("a [1]", "test.conf:1:3: expected ':', '=', '+=' or '{' after the key 'a' but found '['");

    [Fact]
    public void Substitution_in_key() => AssertError("${a} = 1", "test.conf:1:1: substitutions are not allowed in keys");

    [Fact]
    public void Unterminated_substitution() =>
        AssertError("a = ${b.c\nd = 1", "test.conf:1:10: unterminated substitution: expected '}' but found newline");

    [Fact]
    public void Empty_substitution() => AssertError("a = ${ }", "test.conf:1:5: empty substitution: expected a path between '${' and '}'");

    [Fact]
    public void Nested_substitution() => AssertError("a = ${b${c}}", "test.conf:1:8: substitutions cannot be nested");

    [Fact]
    public void Too_deep_nesting_is_an_error_not_a_crash()
    {
        var e = Hocon.Error("a = " + new string('[', 5000) + new string(']', 5000));
        Assert.Contains("nested more than", e.Message);
    }

    [Fact]
    public void Getter_type_errors_carry_the_value_position()
    {
        var c = Hocon.Parse("x = 1\nnode {\n  port = eighty\n}");
        var e = Assert.Throws<HoconException>(() => c.GetInt("node.port"));
        Assert.Equal("test.conf:3:10: expected an integer at 'node.port' but found string \"eighty\"", e.Message);
    }

    [Fact]
    public void File_errors_name_the_file()
    {
        using var dir = new TempDir();
        var path = dir.Write("cluster.conf", string.Concat(Enumerable.Repeat("x = 1\n", 11)) + "nodes { a = 1 ]");
        var e = Assert.Throws<HoconException>(() => HoconConfig.ParseFile(path, Hocon.Options()));
        Assert.Equal("cluster.conf:12:15: expected '}' or ',' (or a newline) after a field but found ']'", e.Message);
        Assert.Equal(path, e.Position!.Value.Source);
    }
}
