using FsCheck;
using FsCheck.Fluent;

namespace Virtsim.Hocon.Tests;

public class PropertyTests
{
    private static readonly TimeSpan PerInputTimeout = TimeSpan.FromSeconds(2);

    private static bool ParsesOrFailsWithPosition(string text, string baseDirectory)
    {
        var options = Hocon.Options(new Dictionary<string, string> { ["VIRTSIM_DATA"] = "/data" }, "fuzz.conf", baseDirectory);
        return RepositoryConfigs.SucceedsOrFailsWithPosition(text, () => _ = HoconConfig.Parse(text, options).ToJson(), PerInputTimeout);
    }

    [Fact]
    public void Mutated_samples_parse_or_fail_with_a_positioned_hocon_exception()
    {
        using var dir = new TempDir();
        dir.Write("vendor-common.conf", Samples.VendorCommon);
        var gen =
            from sample in Gen.Elements(Samples.All)
            from mutations in RepositoryConfigs.MutationsGen
            select (sample, mutations);
        var prop = Prop.ForAll(gen.ToArbitrary(), input => ParsesOrFailsWithPosition(RepositoryConfigs.Apply(input.sample, input.mutations), dir.Path));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(1500), prop);
    }

    [Fact]
    public void Unmutated_samples_parse()
    {
        using var dir = new TempDir();
        dir.Write("vendor-common.conf", Samples.VendorCommon);
        foreach (var sample in Samples.All)
        {
            HoconConfig.Parse(sample, Hocon.Options(baseDirectory: dir.Path));
        }
    }

    // ---- round trip: generated configs -> ToJson -> parse -> same tree ----

    private static readonly Gen<string> KeyGen = Gen.Elements(
        "a", "b", "node", "vm-1", "x.y", "", "include", "true", "with space", "quote\"d", "tab\tkey", "ünï", "10", "$weird", "a\\b");

    private static readonly Gen<string> ScalarGen = Gen.OneOf(
        Gen.Elements("0", "-1", "42", "3.25", "-0.5e-3", "1E10", "true", "false", "null"),
        Gen.Elements("plain", "two words", "", "new\nline", "quote\"", "back\\slash", "${not.a.sub}", "// not comment", "\u0001ctl", "é中")
            .Select(JsonWriterQuote),
        Gen.Elements("bare", "foo bar", "10ms", "512 MiB").Select(s => s));

    private static string JsonWriterQuote(string s) => new HoconString(s, default).ToJson();

    private static Gen<string> ValueGen(int depth) => depth <= 0
        ? ScalarGen
        : Gen.OneOf(
            ScalarGen,
            ScalarGen,
            ObjectGen(depth - 1),
            Gen.Choose(0, 4).SelectMany(n => Gen.ArrayOf(ValueGen(depth - 1), n))
                .Select(items => "[" + string.Join(Sep(items.Length), items) + "]"));

    private static string Sep(int n) => n % 2 == 0 ? ", " : "\n";

    private static Gen<string> ObjectGen(int depth) =>
        Gen.Choose(0, 4).SelectMany(n =>
            Gen.ArrayOf(
                from key in KeyGen
                from value in ValueGen(depth)
                from style in Gen.Choose(0, 2)
                select JsonWriterQuote(key) + (style == 0 ? " = " : style == 1 ? ": " : value.StartsWith('{') ? " " : ":") + value,
                n))
        .Select(fields => "{" + string.Join("\n", fields) + "}");

    [Fact]
    public void To_json_of_a_parsed_config_reparses_to_the_same_tree()
    {
        var prop = Prop.ForAll(ObjectGen(3).ToArbitrary(), text =>
        {
            var first = Hocon.Parse(text);
            var json = first.ToJson();
            var second = Hocon.Parse(json);
            return second.ToJson() == json && Same(first.Root, second.Root);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), prop);
    }

    private static bool Same(HoconValue a, HoconValue b) => (a, b) switch
    {
        (HoconObject x, HoconObject y) => x.Keys.SequenceEqual(y.Keys) && x.Keys.All(k => Same(x[k], y[k])),
        (HoconArray x, HoconArray y) => x.Items.Count == y.Items.Count && x.Items.Zip(y.Items).All(p => Same(p.First, p.Second)),
        (HoconString x, HoconString y) => x.Value == y.Value,
        (HoconNumber x, HoconNumber y) => x.Text == y.Text,
        (HoconBoolean x, HoconBoolean y) => x.Value == y.Value,
        (HoconNull, HoconNull) => true,
        _ => false,
    };
}
