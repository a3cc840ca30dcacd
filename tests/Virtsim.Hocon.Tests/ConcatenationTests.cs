namespace Virtsim.Hocon.Tests;

public class ConcatenationTests
{
    [Fact]
    public void Whitespace_between_unquoted_pieces_is_kept_and_edges_trimmed() =>
        Assert.Equal("foo bar  baz", Hocon.Parse("a =   foo bar  baz   ").GetString("a"));

    [Fact]
    public void Quoted_and_unquoted_pieces_concatenate() =>
        Assert.Equal("foo  bar.baz \"x\"", Hocon.Parse("a = foo \" bar\".baz \"\\\"x\\\"\"").GetString("a"));

    [Fact]
    public void Simple_values_become_strings_as_written() =>
        Assert.Equal("""{"a":"1e5 true null 0.50"}""", Hocon.Json("a = 1e5 true null 0.50"));

    [Fact]
    public void Single_value_keeps_its_type() => Assert.Equal("""{"a":true}""", Hocon.Json("a = true  "));

    [Fact]
    public void Arrays_concatenate() => Assert.Equal("""{"a":[1,2,3,4]}""", Hocon.Json("a = [1, 2] [3, 4]"));

    [Fact]
    public void Objects_concatenate_by_merging() =>
        Assert.Equal("""{"a":{"b":1,"c":3,"d":4}}""", Hocon.Json("a = { b : 1, c : 2 } { c : 3, d : 4 }"));

    [Fact]
    public void Array_with_spaces_is_one_concatenated_element() =>
        Assert.Equal("""{"a":["1 2 3 4"],"b":[[1,2,3,4]],"c":[[1,2],[3,4]]}""",
            Hocon.Json("a = [ 1 2 3 4 ]\nb = [ [ 1, 2 ] [ 3, 4 ] ]\nc = [ [ 1, 2 ]\n [ 3, 4 ] ]"));

    [Fact]
    public void Mixing_arrays_and_strings_is_an_error_with_position()
    {
        var e = Hocon.Error("a = [1] foo");
        Assert.Equal(new HoconPosition("test.conf", 1, 9), e.Position);
        Assert.Contains("cannot concatenate", e.Message);
    }

    [Fact]
    public void Substitution_inside_string_concatenation() =>
        Assert.Equal("the fox is my favorite animal",
            Hocon.Parse("animal.favorite = fox\nkey : the ${animal.favorite} is my favorite animal").GetString("key"));

    [Fact]
    public void Object_inheritance_through_concatenation() =>
        Assert.Equal("""{"generic":{"cluster-size":6},"east":{"cluster-size":6,"name":"east"}}""",
            Hocon.Json("generic = { cluster-size = 6 }\neast = ${generic} { name = \"east\" }"));
}
