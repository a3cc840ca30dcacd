namespace Virtsim.Hocon.Tests;

public class NumericallyIndexedObjectTests
{
    [Fact]
    public void Object_with_integer_keys_concatenates_as_an_array() =>
        Assert.Equal("""{"a":{"1":"y","0":"x","name":"n"},"b":["x","y","z"]}""",
            Hocon.Json("a.1 = y\na.0 = x\na.name = n\nb = ${a} [z]"));

    [Fact]
    public void Plus_equals_onto_a_numerically_indexed_object() =>
        Assert.Equal(["x", "y", "z"], Hocon.Parse("a.0 = x\na.1 = y\na += z").GetStringList("a"));

    [Fact]
    public void Empty_object_is_not_converted() =>
        Assert.Contains("cannot concatenate", Hocon.Error("o = {}\nb = ${o} [1]").Message);
}
