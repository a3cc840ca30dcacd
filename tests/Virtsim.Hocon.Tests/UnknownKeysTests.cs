using FsCheck;
using FsCheck.Fluent;

namespace Virtsim.Hocon.Tests;

public class UnknownKeysTests
{
    private static readonly KeySchema Any = KeySchema.Anything;

    private static readonly KeySchema Schema = KeySchema.Object(
    [
        new("name", Any),
        new("timing", KeySchema.Object([new("delay", Any), new("cost", Any)])),
        new("profiles", KeySchema.MapOf(KeySchema.Object([new("speed", Any)]))),
        new("items", KeySchema.ListOf(KeySchema.Object([new("id", Any)]))),
        new("free", Any),
    ]);

    private static List<string> Find(string text, KeySchema? schema = null) =>
        UnknownKeys.Find(Hocon.Parse(text), schema ?? Schema).Select(k => k.ToString()).ToList();

    [Fact]
    public void Known_keys_maps_lists_and_free_values_pass()
    {
        Assert.Empty(Find("name = x\ntiming { delay = 1, cost = 2 }\nprofiles { a.speed = 1, \"b c\" { speed = 2 } }\n" +
                          "items = [ { id = 1 } ] [ { id = 2 } ]\nitems += { id = 3 }\nfree { whatever { deep = 1 } }"));
    }

    [Fact]
    public void Unknown_keys_are_found_in_objects_maps_lists_stacks_and_concatenations()
    {
        var text = string.Join("\n",
            "name = 1, nmae = 2",
            "timing { dealy = 1 }",
            "profiles.a { sped = 1 }",
            "items = [ { idd = 1 } ]",
            "items += { ide = 2 }",
            "x = { delay = 1 }",
            "timing = ${x}",
            "timing { cots = 1 }",
            "timing = ${x} { zzz = 1 }",
            "itemz += { id = 3 }");
        Assert.Equal(
        [
            "test.conf:1:18: unknown key 'nmae' at the root (did you mean 'name'?)",
            "test.conf:2:18: unknown key 'dealy' in timing (did you mean 'delay'?)",
            "test.conf:8:17: unknown key 'cots' in timing (did you mean 'cost'?)",
            "test.conf:9:23: unknown key 'zzz' in timing (it is not read; see the documented settings)",
            "test.conf:3:21: unknown key 'sped' in profiles.a (did you mean 'speed'?)",
            "test.conf:4:19: unknown key 'idd' in items[] (did you mean 'id'?)",
            "test.conf:5:18: unknown key 'ide' in items[] (did you mean 'id'?)",
            "test.conf:10:7: unknown key 'itemz' at the root (did you mean 'items'?)",
        ], Find(text));
    }

    [Fact]
    public void A_numerically_indexed_object_counts_as_a_list()
    {
        Assert.Equal(["test.conf:1:14: unknown key 'di' in items[] (did you mean 'id'?)"], Find("items.0.di = 1"));
    }

    [Fact]
    public void Keys_a_substitution_reads_are_not_reported_and_the_fallback_is_not_checked()
    {
        var reference = HoconConfig.Parse("stray = 1", new HoconParseOptions { SourceName = "reference.conf", Environment = _ => null });
        var config = HoconConfig.Parse("shared { delay = 5 }\ntiming = ${shared}\nname = ${stray}",
            new HoconParseOptions { SourceName = "test.conf", Fallback = reference, Environment = _ => null });
        Assert.Empty(UnknownKeys.Find(config, Schema));
    }

    [Fact]
    public void No_suggestion_for_a_key_far_from_every_known_one()
    {
        Assert.Equal(["test.conf:1:17: unknown key 'colour' in timing (it is not read; see the documented settings)"], Find("timing.colour = red"));
        Assert.Equal(1, UnknownKeys.EditDistance("reqests", "requests"));
        Assert.Equal(1, UnknownKeys.EditDistance("dealy", "delay"));
        Assert.Equal(3, UnknownKeys.EditDistance("", "abc"));
    }

    [Fact]
    public void With_adds_paths_and_refuses_to_go_through_a_map_or_list()
    {
        var extended = Schema.With("timing.jitter", Any).With("extra.deep.key", Any);
        Assert.Empty(Find("timing.jitter = 1\nextra.deep.key = 2", extended));
        Assert.Single(Find("timing.jitter = 1"));
        Assert.Throws<HoconException>(() => Schema.With("profiles.a.speed", Any));
        Assert.Throws<HoconException>(() => Schema.With("items.id", Any));
    }

    [Fact]
    public void From_reference_knows_every_key_of_the_reference()
    {
        var reference = Hocon.Parse("a { b = 1, c { d = [1], e = null } }\nf = x");
        var schema = KeySchema.FromReference(reference.Root);
        Assert.Empty(Find("a { b = 2, c { d = [], e = 1 } }\nf = y", schema));
        Assert.Equal(["test.conf:1:9: unknown key 'g' in a.c (it is not read; see the documented settings)"], Find("a.c.g = 2", schema));
    }

    private static readonly Gen<string> KnownField = Gen.Elements("name = 1", "timing.delay = 2", "timing { cost = 3 }", "profiles.p1.speed = 4",
        "items = [ { id = 5 } ]", "items += { id = 6 }", "free.x.y = 7");

    // Each typo at most once: a repeated simple value replaces the earlier one, leaving one key to report.
    [Fact]
    public void Exactly_the_injected_unknown_keys_are_found()
    {
        var gen =
            from known in Gen.ListOf(KnownField)
            from typos in Gen.SubListOf(["nam", "timing.dely", "profiles.p1.sped", "bogus"])
            from order in Gen.Shuffle(known.Select(k => (Text: k, Typo: false)).Concat(typos.Select(t => (Text: t + " = 0", Typo: true))).ToArray())
            select order;
        var prop = Prop.ForAll(gen.ToArbitrary(), lines =>
        {
            var found = UnknownKeys.Find(Hocon.Parse(string.Join("\n", lines.Select(l => l.Text))), Schema);
            return found.Count == lines.Count(l => l.Typo)
                   && found.Select(f => f.Position.Line).Order().SequenceEqual(lines.Select((l, i) => (l, i + 1)).Where(x => x.l.Typo).Select(x => x.Item2));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), prop);
    }
}
