namespace Virtsim.Hocon;

/// <summary>
/// Finds the keys of a configuration that a <see cref="KeySchema"/> does not know: HOCON has no schema, so a
/// misspelt setting (<c>defaults.blk.reqests = 5</c>) would otherwise be ignored in silence. The configuration's own
/// text is walked (before substitutions and without its fallback), so every key is reported where the user wrote it,
/// in an included file too. Keys that a substitution refers to (<c>templates { ... }</c> used as
/// <c>${templates.nic}</c>) are not reported: they are read, by the substitution.
/// </summary>
public static class UnknownKeys
{
    /// <summary>The unknown keys of <paramref name="config"/>, in the order they were written.</summary>
    /// <param name="config">A parsed configuration (its own keys are checked, not those of its fallback).</param>
    /// <param name="schema">The known keys.</param>
    public static IReadOnlyList<UnknownKey> Find(HoconConfig config, KeySchema schema)
    {
        Guard.NotNull(config);
        Guard.NotNull(schema);
        var referenced = new List<IReadOnlyList<string>>();
        CollectSubstitutions(config.Unresolved, referenced);
        var found = new List<UnknownKey>();
        Walk(config.Unresolved, schema, [], "", referenced, found);
        return found;
    }

    // keyPath: the object keys from the root (null once the walk went through a list: substitutions cannot name those).
    private static void Walk(HoconValue value, KeySchema schema, List<string>? keyPath, string container,
        List<IReadOnlyList<string>> referenced, List<UnknownKey> found)
    {
        if (schema.IsAnything)
        {
            return;
        }

        switch (value)
        {
            case HoconObject o when schema.ChecksKeys:
                foreach (var (key, child) in o.Fields)
                {
                    var childPath = keyPath is null ? null : new List<string>(keyPath) { key };
                    var childContainer = container.Length == 0 ? HoconPath.Render([key]) : $"{container}.{HoconPath.Render([key])}";
                    if (schema.TryGetField(key, out var childSchema))
                    {
                        Walk(child, childSchema, childPath, childContainer, referenced, found);
                    }
                    else if (childPath is null || !referenced.Any(r => StartsWith(r, childPath)))
                    {
                        found.Add(new UnknownKey(key, container, child.Position, Closest(key, schema.Keys)));
                    }
                }

                break;
            case HoconObject o when schema.Item is { } item:
                // A numerically indexed object stands for a list.
                foreach (var (_, child) in o.Fields)
                {
                    Walk(child, item, null, container + "[]", referenced, found);
                }

                break;
            case HoconArray a when schema.Item is { } item:
                foreach (var child in a.Items)
                {
                    Walk(child, item, null, container + "[]", referenced, found);
                }

                break;
            case HoconMergeStack stack:
                foreach (var layer in stack.Values)
                {
                    Walk(layer, schema, keyPath, container, referenced, found);
                }

                break;
            case HoconConcatenation concatenation:
                foreach (var piece in concatenation.Pieces)
                {
                    Walk(piece, schema, keyPath, container, referenced, found);
                }

                break;
        }
    }

    private static bool StartsWith(IReadOnlyList<string> path, IReadOnlyList<string> prefix) =>
        path.Count >= prefix.Count && prefix.Select((key, i) => path[i] == key).All(same => same);

    private static void CollectSubstitutions(HoconValue value, List<IReadOnlyList<string>> into)
    {
        switch (value)
        {
            case HoconSubstitution { AppendsToItself: true }:
                break;
            case HoconSubstitution s:
                into.Add(s.Path);
                if (s.Prefix.Count > 0)
                {
                    into.Add(s.Prefix.Concat(s.Path).ToList());
                }

                break;
            case HoconObject o:
                foreach (var (_, child) in o.Fields)
                {
                    CollectSubstitutions(child, into);
                }

                break;
            case HoconArray a:
                foreach (var child in a.Items)
                {
                    CollectSubstitutions(child, into);
                }

                break;
            case HoconMergeStack stack:
                foreach (var layer in stack.Values)
                {
                    CollectSubstitutions(layer, into);
                }

                break;
            case HoconConcatenation concatenation:
                foreach (var piece in concatenation.Pieces)
                {
                    CollectSubstitutions(piece, into);
                }

                break;
        }
    }

    /// <summary>
    /// The known key closest to <paramref name="key"/> when it is close enough to be a typo of it: at most one edit per
    /// three characters (one to three), and fewer edits than the key has characters ('g' is no typo of 'd').
    /// </summary>
    private static string? Closest(string key, IEnumerable<string> known)
    {
        var allowed = Math.Clamp(key.Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var distance = EditDistance(key, candidate);
            if (distance <= allowed && distance < key.Length && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Edits (insert, delete, substitute, swap two neighbours) that turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    internal static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
