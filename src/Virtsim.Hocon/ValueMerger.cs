namespace Virtsim.Hocon;

/// <summary>
/// The HOCON merge rule for two values given to the same key: objects merge field by field, any other newer value
/// wins, and when either side is still unresolved the merge is delayed into a <see cref="HoconMergeStack"/>.
/// Never mutates its inputs.
/// </summary>
internal static class ValueMerger
{
    public static HoconValue Merge(HoconValue older, HoconValue newer)
    {
        if (newer is HoconObject newObject)
        {
            if (older is HoconObject oldObject)
            {
                return MergeObjects(oldObject, newObject);
            }

            if (IsConcrete(older))
            {
                // The object hides the non-object below it, and everything under that too.
                return newObject.IgnoresFallbacks ? newObject : newObject.WithIgnoredFallbacks();
            }

            return Stack(older, newer);
        }

        if (IsConcrete(newer))
        {
            return newer;
        }

        return Stack(older, newer);
    }

    public static HoconObject MergeObjects(HoconObject older, HoconObject newer)
    {
        if (newer.IgnoresFallbacks)
        {
            return newer;
        }

        var result = new HoconObject(older.Position) { IgnoresFallbacks = older.IgnoresFallbacks };
        foreach (var (key, value) in older.Fields)
        {
            result.Set(key, value);
        }

        foreach (var (key, value) in newer.Fields)
        {
            result.Set(key, older.TryGetValue(key, out var previous) ? Merge(previous, value) : value);
        }

        return result;
    }

    /// <summary>Concrete: the kind is known without resolving (objects, arrays and simple values).</summary>
    private static bool IsConcrete(HoconValue value) =>
        value.Kind is not (HoconValueKind.Substitution or HoconValueKind.Concatenation or HoconValueKind.Merge);

    private static HoconMergeStack Stack(HoconValue older, HoconValue newer)
    {
        var values = new List<HoconValue>();
        Flatten(older, values);
        Flatten(newer, values);
        return new HoconMergeStack(values, newer.Position);
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
