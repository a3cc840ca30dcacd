using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Virtsim.Hocon.Tests;

/// <summary>
/// Merging repeated keys must cost the size of what is added, not the size of what is already there. Measured by
/// counting object field writes (a deterministic count, no clock): copying the whole object on every merge makes the
/// count grow with the square of the number of lines.
/// </summary>
public class MergeCostTests
{
    private static long FieldWrites(string text)
    {
        var before = HoconObject.FieldWritesOnThisThread;
        var config = Hocon.Parse(text);
        var writes = HoconObject.FieldWritesOnThisThread - before;
        Assert.True(config.HasPath("a"));
        return writes;
    }

    private static string Lines(int n, Func<int, string> line)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < n; i++)
        {
            sb.Append(line(i)).Append('\n');
        }

        return sb.ToString();
    }

    public static TheoryData<string, string> Forms => new()
    {
        { "dotted", "a.k{0} = 1" },
        { "blocks", "a {{ k{0} = 1 }}" },
        { "nested dotted", "a.b.c.k{0} = 1" },
        { "over a substitution", "a.k{0} = 1" },
        { "self-referring", "a.k{0} = ${{?a.k0}}" },
        { "from an include", "a.k{0} = 1" },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public void Field_writes_grow_linearly_with_the_number_of_merged_keys(string form, string line)
    {
        using var dir = new TempDir();
        dir.Write("base.conf", "a { base = 1 }");
        string Text(int n)
        {
            var head = form switch
            {
                "over a substitution" => "b { x = 1 }\na = ${b}\n",
                "from an include" => $"include \"{Path.Combine(dir.Path, "base.conf").Replace("\\", "\\\\")}\"\n",
                _ => "",
            };
            return head + Lines(n, i => string.Format(System.Globalization.CultureInfo.InvariantCulture, line, i));
        }

        var small = FieldWrites(Text(2000));
        var large = FieldWrites(Text(4000));
        // Linear: a few writes per line (wrapper, merge, resolution copy). Quadratic would be about n²/2 = 2,000,000
        // and 8,000,000 (ratio 4).
        Assert.True(small < 10 * 2000, $"{form}: {small} field writes for 2000 lines");
        Assert.True(large < 10 * 4000, $"{form}: {large} field writes for 4000 lines");
        Assert.True(large < 2.2 * small, $"{form}: {small} then {large} field writes for 2000 then 4000 lines");
    }

    [Fact]
    public void Object_concatenation_merges_in_place_after_one_copy()
    {
        var pieces = string.Join(" ", Enumerable.Range(0, 3000).Select(i => $"{{ k{i} = 1 }}"));
        var writes = FieldWrites($"b {{ x = 1 }}\na = ${{b}} {pieces}");
        Assert.True(writes < 10 * 3000, $"{writes} field writes for 3000 concatenated objects");
    }

    // ---- in-place merging gives what copying gives ----

    private static readonly Gen<string> PathGen = Gen.Elements("a", "b", "a.x", "a.y", "a.x.p", "a.x.q", "b.z", "\"a\".x");

    private static readonly Gen<string> ValueGen = Gen.OneOf(
        Gen.Elements("1", "2", "null", "[1]", "{}", "text", "{ p = 3 }", "{ x { q = 4 } }", "{ y = 5, x = 6 }"));

    private static readonly Gen<string[]> LinesGen =
        Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(
            from path in PathGen
            from value in ValueGen
            from braced in Gen.Elements(true, false)
            select braced && value.StartsWith('{') ? $"{path} {value}" : $"{path} = {value}", n));

    [Fact]
    public void Merging_lines_of_one_document_equals_layering_each_line_with_fallback()
    {
        // WithFallback merges by copying; one document merges its repeated keys in place. Both must agree on
        // values, key order and the reset by a non-object value, for concrete values (WithFallback re-resolves
        // substitutions against the combined tree, so those are left out).
        var prop = Prop.ForAll(LinesGen.ToArbitrary(), lines =>
        {
            var whole = Hocon.Parse(string.Join("\n", lines)).ToJson();
            var layered = lines.Select(l => Hocon.Parse(l)).Aggregate((older, newer) => newer.WithFallback(older)).ToJson();
            return whole == layered;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), prop);
    }

    [Fact]
    public void A_parsed_config_is_not_changed_by_later_merges_over_it()
    {
        var reference = Hocon.Parse("a { x = 1 }\na.y = 2");
        var before = reference.ToJson();
        _ = Hocon.Parse("a.z = 3").WithFallback(reference);
        _ = HoconConfig.Parse("a.w = 4\na.v = 5", new HoconParseOptions { Fallback = reference, Environment = _ => null });
        Assert.Equal(before, reference.ToJson());
    }
}
