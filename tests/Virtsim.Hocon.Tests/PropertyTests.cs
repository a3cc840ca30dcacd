using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Virtsim.Hocon.Tests;

public class PropertyTests
{
    private static readonly TimeSpan PerInputTimeout = TimeSpan.FromSeconds(2);

    /// <summary>One edit of a sample: 0 delete, 1 insert, 2 duplicate a slice, 3 swap two characters.</summary>
    public sealed record Mutation(int Kind, int At, int Other, string Insert);

    private static readonly string[] Inserts =
    [
        "\"", "\"\"\"", "{", "}", "[", "]", "${", "${?", "}", ",", ",,", "\n", "=", ":", "+=", ".", "..", "\\", "\\u12",
        "#", "//", "include ", "include required(\"", "x", "-", "1e", "true", " ", "\t", "\u00A0", "$", "*", "(", ")",
    ];

    private static readonly Gen<Mutation> MutationGen =
        from kind in Gen.Choose(0, 3)
        from at in Gen.Choose(0, 100_000)
        from other in Gen.Choose(0, 100_000)
        from insert in Gen.Elements(Inserts)
        select new Mutation(kind, at, other, insert);

    private static string Apply(string text, IEnumerable<Mutation> mutations)
    {
        var sb = new StringBuilder(text);
        foreach (var m in mutations)
        {
            var at = sb.Length == 0 ? 0 : m.At % (sb.Length + 1);
            switch (m.Kind)
            {
                case 0 when sb.Length > 0:
                    var from = Math.Min(at, sb.Length - 1);
                    sb.Remove(from, 1 + m.Other % Math.Min(3, sb.Length - from));
                    break;
                case 1:
                    sb.Insert(at, m.Insert);
                    break;
                case 2 when sb.Length > 0:
                    var start = Math.Min(at, sb.Length - 1);
                    var length = 1 + m.Other % Math.Min(40, sb.Length - start);
                    sb.Insert(start, sb.ToString(start, length));
                    break;
                case 3 when sb.Length > 1:
                    var i = Math.Min(at, sb.Length - 1);
                    var j = m.Other % sb.Length;
                    (sb[i], sb[j]) = (sb[j], sb[i]);
                    break;
            }
        }

        return sb.ToString();
    }

    private static bool ParsesOrFailsWithPosition(string text, string baseDirectory)
    {
        var options = Hocon.Options(new Dictionary<string, string> { ["VIRTSIM_DATA"] = "/data" }, "fuzz.conf", baseDirectory);
        var task = Task.Run(() =>
        {
            try
            {
                var config = HoconConfig.Parse(text, options);
                _ = config.ToJson();
                return (Exception?)null;
            }
            catch (Exception e)
            {
                return e;
            }
        });
        if (!task.Wait(PerInputTimeout))
        {
            throw new Exception($"parse did not finish within {PerInputTimeout}: {text}");
        }

        return task.Result switch
        {
            null => true,
            HoconException { Position: not null } => true,
            var e => throw new Exception($"unexpected {e.GetType().Name} for input:\n{text}", e),
        };
    }

    [Fact]
    public void Mutated_samples_parse_or_fail_with_a_positioned_hocon_exception()
    {
        using var dir = new TempDir();
        dir.Write("vendor-common.conf", Samples.VendorCommon);
        var gen =
            from sample in Gen.Elements(Samples.All)
            from mutations in Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(MutationGen, n))
            select (sample, mutations);
        var prop = Prop.ForAll(gen.ToArbitrary(), input => ParsesOrFailsWithPosition(Apply(input.sample, input.mutations), dir.Path));
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
