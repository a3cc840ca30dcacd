namespace Virtsim.Hocon.Tests;

public class ExpansionLimitTests
{
    private static string Doubling(string first, Func<int, string> step, int levels) =>
        first + "\n" + string.Join("\n", Enumerable.Range(1, levels).Select(step));

    [Fact]
    public void Exponential_string_growth_is_an_error_not_a_hang() =>
        Assert.Contains("longer than", Hocon.Error(Doubling("a0 = abcdefgh", i => $"a{i} = ${{a{i - 1}}}${{a{i - 1}}}", 40)).Message);

    [Fact]
    public void Exponential_array_growth_is_an_error_not_a_hang() =>
        Assert.Contains("more than", Hocon.Error(Doubling("a0 = [1, 2]", i => $"a{i} = ${{a{i - 1}}} ${{a{i - 1}}}", 40)).Message);

    [Fact]
    public void Exponential_object_sharing_is_an_error_not_a_hang() =>
        Assert.Contains("expands to more than", Hocon.Error(Doubling("a0 = { v = 1 }", i => $"a{i} = {{ x = ${{a{i - 1}}}, y = ${{a{i - 1}}} }}", 60)).Message);
}
