namespace Virtsim.Hocon;

/// <summary>
/// The HOCON merge rule for two values given to the same key: objects merge field by field, any other newer value
/// wins, and when either side is still unresolved the merge is delayed into a <see cref="HoconMergeStack"/>.
/// Values that belong to the given <see cref="MergeScope"/> are changed in place (each merge then costs the size of
/// the newer value only); any other input is never mutated: it is copied into the scope first.
/// </summary>
internal static class ValueMerger
{
    /// <summary>Merges <paramref name="newer"/> over <paramref name="older"/>.</summary>
    /// <param name="older">The earlier value of the key.</param>
    /// <param name="newer">The later value of the key.</param>
    /// <param name="scope">The building session whose values may change in place; <see langword="null"/>: none.</param>
    public static HoconValue Merge(HoconValue older, HoconValue newer, MergeScope? scope = null)
    {
        if (newer is HoconObject newObject)
        {
            if (older is HoconObject oldObject)
            {
                return MergeObjects(oldObject, newObject, scope);
            }

            if (IsConcrete(older))
            {
                // The object hides the non-object below it, and everything under that too.
                return IgnoringFallbacks(newObject, scope);
            }

            return Stack(older, newer, scope);
        }

        if (IsConcrete(newer))
        {
            return newer;
        }

        return Stack(older, newer, scope);
    }

    /// <summary>Merges the fields of <paramref name="newer"/> over those of <paramref name="older"/>.</summary>
    /// <param name="older">The earlier object.</param>
    /// <param name="newer">The later object.</param>
    /// <param name="scope">The building session whose values may change in place; <see langword="null"/>: none.</param>
    public static HoconObject MergeObjects(HoconObject older, HoconObject newer, MergeScope? scope = null)
    {
        if (newer.IgnoresFallbacks)
        {
            return newer;
        }

        var result = MergeScope.Owns(scope, older.Scope) ? older : older.CopyInto(scope);
        foreach (var (key, value) in newer.Fields)
        {
            result.Set(key, result.TryGetValue(key, out var previous) ? Merge(previous, value, scope) : value);
        }

        return result;
    }

    /// <summary>
    /// A document's root over a fallback's (<see cref="HoconConfig.WithFallback"/>, <see cref="HoconParseOptions.Fallback"/>).
    /// Unlike <see cref="MergeObjects"/>, the result is positioned where <paramref name="own"/> starts: a setting
    /// missing from the whole document (an empty scenario file) is then reported in the user's file, not in the
    /// reference.conf below it.
    /// </summary>
    public static HoconObject MergeOverFallback(HoconObject fallback, HoconObject own)
    {
        if (own.IgnoresFallbacks)
        {
            return own;
        }

        var scope = new MergeScope();
        return MergeObjects(fallback.CopyInto(scope, own.Position), own, scope);
    }

    /// <summary>Concrete: the kind is known without resolving (objects, arrays and simple values).</summary>
    private static bool IsConcrete(HoconValue value) =>
        value.Kind is not (HoconValueKind.Substitution or HoconValueKind.Concatenation or HoconValueKind.Merge);

    private static HoconObject IgnoringFallbacks(HoconObject value, MergeScope? scope)
    {
        if (value.IgnoresFallbacks)
        {
            return value;
        }

        var result = MergeScope.Owns(scope, value.Scope) ? value : value.CopyInto(scope);
        result.IgnoresFallbacks = true;
        return result;
    }

    private static HoconMergeStack Stack(HoconValue older, HoconValue newer, MergeScope? scope)
    {
        if (older is HoconMergeStack stack && MergeScope.Owns(scope, stack.Scope))
        {
            if (newer is HoconMergeStack newerStack)
            {
                foreach (var value in newerStack.Values)
                {
                    Push(stack, value, scope);
                }
            }
            else
            {
                Push(stack, newer, scope);
            }

            return stack;
        }

        var values = new List<HoconValue>();
        Flatten(older, values);
        Flatten(newer, values);
        return new HoconMergeStack(values, newer.Position, scope);
    }

    /// <summary>
    /// Puts <paramref name="value"/> on top of a stack being built. Two objects in a row merge right away, as they
    /// would at resolution (objects are never hidden from lookups, so a self-reference sees the same values).
    /// </summary>
    private static void Push(HoconMergeStack stack, HoconValue value, MergeScope? scope)
    {
        if (value is HoconObject newer && stack.Values[^1] is HoconObject top)
        {
            stack.ReplaceTop(MergeObjects(top, newer, scope));
        }
        else
        {
            stack.Push(value);
        }
    }

    private static void Flatten(HoconValue value, List<HoconValue> into)
    {
        if (value is HoconMergeStack stack)
        {
            into.AddRange(stack.Values);
        }
        else
        {
            into.Add(value);
        }
    }
}
