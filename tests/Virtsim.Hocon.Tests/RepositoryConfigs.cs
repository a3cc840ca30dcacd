using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Virtsim.Hocon.Tests;

/// <summary>
/// The repository's own configuration files (every *.conf under scenarios/, cluster-config/ and src/) and random
/// mutations of them, for the bad-input property tests. Also compiled into Virtsim.Fleet.Tests (linked file).
/// </summary>
public static class RepositoryConfigs
{
    /// <summary>One edit: 0 delete a few characters, 1 insert HOCON metacharacters, 2 duplicate a slice, 3 truncate, 4 swap two characters.</summary>
    public sealed record Mutation(int Kind, int At, int Other, string Insert);

    private static readonly string[] Inserts =
    [
        "{", "}", "[", "]", "$", "${", "${?", "\"", "\"\"\"", "=", ":", "+", "+=", "#", "//", ",", ",,", "\n", ".", "..",
        "\\", "\\u12", "include \"", "include required(\"", "null", "-1", "0x", "1e", "true", "99999999999999999999", " ", "\t",
        "\u00A0", "*", "(", ")",
    ];

    /// <summary>A generator of one mutation.</summary>
    public static Gen<Mutation> MutationGen { get; } =
        from kind in Gen.Choose(0, 4)
        from at in Gen.Choose(0, 1_000_000)
        from other in Gen.Choose(0, 1_000_000)
        from insert in Gen.Elements(Inserts)
        select new Mutation(kind, at, other, insert);

    /// <summary>A generator of 1..8 mutations.</summary>
    public static Gen<Mutation[]> MutationsGen { get; } = Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(MutationGen, n));

    /// <summary>The repository root (the folder holding Actors.sln).</summary>
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Actors.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root (Actors.sln) not found");
    }

    /// <summary>Every *.conf file of the repository outside build output, sorted.</summary>
    public static IReadOnlyList<string> AllConfFiles()
    {
        string root = Root();
        return Directory.EnumerateFiles(root, "*.conf", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "bin" or "obj" or ".git" || part.StartsWith('.')))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Applies <paramref name="mutations"/> to <paramref name="text"/> in order.</summary>
    public static string Apply(string text, IEnumerable<Mutation> mutations)
    {
        var sb = new StringBuilder(text);
        foreach (var m in mutations)
        {
            int at = sb.Length == 0 ? 0 : m.At % (sb.Length + 1);
            switch (m.Kind)
            {
                case 0 when sb.Length > 0:
                    int from = Math.Min(at, sb.Length - 1);
                    sb.Remove(from, 1 + m.Other % Math.Min(4, sb.Length - from));
                    break;
                case 1:
                    sb.Insert(at, m.Insert);
                    break;
                case 2 when sb.Length > 0:
                    int start = Math.Min(at, sb.Length - 1);
                    sb.Insert(start, sb.ToString(start, 1 + m.Other % Math.Min(60, sb.Length - start)));
                    break;
                case 3:
                    sb.Length = at;
                    break;
                case 4 when sb.Length > 1:
                    int i = Math.Min(at, sb.Length - 1), j = m.Other % sb.Length;
                    (sb[i], sb[j]) = (sb[j], sb[i]);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// Runs <paramref name="load"/> (file path, mutated text) over <paramref name="cases"/> random mutations of random
    /// repository config files; each must succeed or fail with a positioned error within <paramref name="timeout"/>.
    /// </summary>
    public static void CheckMutations(Action<string, string> load, int cases, TimeSpan timeout)
    {
        var files = AllConfFiles().Select(f => (Path: f, Text: File.ReadAllText(f))).ToArray();
        var gen =
            from file in Gen.Elements(files)
            from mutations in MutationsGen
            select (file, mutations);
        var prop = Prop.ForAll(gen.ToArbitrary(), input =>
        {
            string text = Apply(input.file.Text, input.mutations);
            return SucceedsOrFailsWithPosition(text, () => load(input.file.Path, text), timeout);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases), prop);
    }

    /// <summary>
    /// Runs <paramref name="action"/> with a hang guard: true when it succeeds or throws a <see cref="HoconException"/>
    /// with a position; any other outcome (another exception, no position, no end within the timeout) fails with the input.
    /// </summary>
    public static bool SucceedsOrFailsWithPosition(string input, Action action, TimeSpan timeout)
    {
        // Its own thread: on a busy pool the guard would otherwise time the queueing, not the parse.
        var task = Task.Factory.StartNew(() =>
        {
            try
            {
                action();
                return (Exception?)null;
            }
            catch (Exception e)
            {
                return e;
            }
        }, TaskCreationOptions.LongRunning);
        if (!task.Wait(timeout)) throw new Exception($"did not finish within {timeout}:\n{input}");
        return task.Result switch
        {
            null => true,
            HoconException { Position: not null } => true,
            var e => throw new Exception($"unexpected {e.GetType().Name} ({e.Message}) for input:\n{input}", e),
        };
    }
}
