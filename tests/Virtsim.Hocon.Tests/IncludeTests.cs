namespace Virtsim.Hocon.Tests;

public class IncludeTests
{
    private static HoconConfig Load(string file) => HoconConfig.ParseFile(file, Hocon.Options());

    [Fact]
    public void Include_merges_fields_in_place()
    {
        using var dir = new TempDir();
        dir.Write("base.conf", "a = 1\nb { x = 1 }");
        var main = dir.Write("main.conf", "a = 0\ninclude \"base.conf\"\nb { y = 2 }\nc = 3");
        Assert.Equal("""{"a":1,"b":{"x":1,"y":2},"c":3}""", Load(main).ToJson());
    }

    [Fact]
    public void Include_is_relative_to_the_including_file_not_the_working_directory()
    {
        using var dir = new TempDir();
        dir.Write("conf/vendors/acme.conf", "name = acme\ninclude \"quirks.conf\"");
        dir.Write("conf/vendors/quirks.conf", "quirks = [no-event-idx]");
        var main = dir.Write("conf/main.conf", "vendor { include file(\"vendors/acme.conf\") }");
        Assert.Equal("""{"vendor":{"name":"acme","quirks":["no-event-idx"]}}""", Load(main).ToJson());
    }

    [Fact]
    public void Missing_optional_include_is_ignored()
    {
        using var dir = new TempDir();
        var main = dir.Write("main.conf", "include \"nope.conf\"\ninclude file(\"nope2.conf\")\na = 1");
        Assert.Equal("""{"a":1}""", Load(main).ToJson());
    }

    [Fact]
    public void Missing_required_include_is_a_positioned_error()
    {
        using var dir = new TempDir();
        var main = dir.Write("main.conf", "a = 1\n  include required(file(\"nope.conf\"))");
        var e = Assert.Throws<HoconException>(() => Load(main));
        Assert.StartsWith("main.conf:2:3: required include \"nope.conf\" not found", e.Message);
    }

    [Fact]
    public void Required_include_with_spaces_inside_parentheses()
    {
        using var dir = new TempDir();
        dir.Write("x.conf", "x = 1");
        var main = dir.Write("main.conf", "include required( file( \"x.conf\" ) )\ninclude required(\"x.conf\")");
        Assert.Equal("""{"x":1}""", Load(main).ToJson());
    }

    [Fact]
    public void Substitutions_in_included_files_are_fixed_up_to_the_include_point()
    {
        using var dir = new TempDir();
        dir.Write("foo.conf", "{ x : 10, y : ${x} }");
        var main = dir.Write("main.conf", "a : { include \"foo.conf\" }\na : { x : 42 }");
        Assert.Equal("""{"a":{"x":42,"y":42}}""", Load(main).ToJson());
    }

    [Fact]
    public void Substitutions_in_included_files_fall_back_to_the_root()
    {
        using var dir = new TempDir();
        dir.Write("vendor.conf", "mtu = ${defaults.mtu}");
        var main = dir.Write("main.conf", "defaults.mtu = 9000\nvendors.acme { include \"vendor.conf\" }");
        Assert.Equal(9000, Load(main).GetInt("vendors.acme.mtu"));
    }

    [Fact]
    public void Extensionless_include_loads_json_then_conf()
    {
        using var dir = new TempDir();
        dir.Write("defaults.json", """{ "a": 1, "b": 1 }""");
        dir.Write("defaults.conf", "b = 2");
        var main = dir.Write("main.conf", "include \"defaults\"");
        Assert.Equal("""{"a":1,"b":2}""", Load(main).ToJson());
    }

    [Fact]
    public void Include_loop_is_a_positioned_error()
    {
        using var dir = new TempDir();
        dir.Write("a.conf", "x = 1\ninclude \"b.conf\"");
        dir.Write("b.conf", "include \"a.conf\"");
        var e = Assert.Throws<HoconException>(() => Load(Path.Combine(dir.Path, "a.conf")));
        Assert.Equal("b.conf:1:1: include loop: a.conf -> b.conf -> a.conf", e.Message);
    }

    [Fact]
    public void Included_array_root_is_an_error()
    {
        using var dir = new TempDir();
        dir.Write("arr.conf", "[1, 2]");
        var main = dir.Write("main.conf", "include \"arr.conf\"");
        var e = Assert.Throws<HoconException>(() => Load(main));
        Assert.Equal("arr.conf:1:1: an included file must contain an object, not an array", e.Message);
    }

    [Theory]
    [InlineData("include classpath(\"x.conf\")", "classpath includes are not supported")]
    [InlineData("include url(\"http://example.com/x.conf\")", "url includes are not supported")]
    [InlineData("include \"https://example.com/x.conf\"", "url includes are not supported")]
    public void Classpath_and_url_includes_are_clearly_unsupported(string text, string message)
    {
        var e = Hocon.Error(text);
        Assert.Equal(new HoconPosition("test.conf", 1, 1), e.Position);
        Assert.Contains(message, e.Message);
    }

    [Theory]
    [InlineData("include x.conf")]
    [InlineData("include = 1")]
    [InlineData("include file(x.conf)")]
    [InlineData("include \"x.conf\" \"y.conf\"")]
    [InlineData("include file(\"x.conf\"")]
    [InlineData("include req uired(\"x.conf\")")]
    public void Malformed_include_statements_are_errors(string text)
    {
        using var dir = new TempDir();
        dir.Write("x.conf", "x = 1");
        Assert.Throws<HoconException>(() => HoconConfig.Parse(text, Hocon.Options(baseDirectory: dir.Path)));
    }

    [Fact]
    public void String_source_uses_base_directory_for_includes()
    {
        using var dir = new TempDir();
        dir.Write("x.conf", "x = 1");
        Assert.Equal(1, HoconConfig.Parse("include \"x.conf\"", Hocon.Options(baseDirectory: dir.Path)).GetInt("x"));
        Assert.Contains("BaseDirectory", Hocon.Error("include \"x.conf\"").Message);
    }

    [Fact]
    public void Errors_inside_included_files_name_that_file()
    {
        using var dir = new TempDir();
        dir.Write("sub/bad.conf", "a = 1\nb = [1, 2\n");
        var main = dir.Write("main.conf", "include \"sub/bad.conf\"");
        var e = Assert.Throws<HoconException>(() => Load(main));
        Assert.Equal("bad.conf:3:1: expected ']' to close the array opened at bad.conf:2:5 but found end of file", e.Message);
    }

    [Fact]
    public void Missing_root_file_is_an_error() =>
        Assert.Throws<HoconException>(() => HoconConfig.ParseFile("/nonexistent/virtsim/x.conf", Hocon.Options()));

    [Fact]
    public void Invalid_utf8_is_a_positioned_error()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "bad.conf");
        File.WriteAllBytes(path, [(byte)'a', (byte)'=', (byte)'1', (byte)'\n', (byte)'b', (byte)'=', 0xC3, 0x28]);
        var e = Assert.Throws<HoconException>(() => Load(path));
        Assert.Equal("bad.conf:2:3: the file is not valid UTF-8", e.Message);
    }
}
