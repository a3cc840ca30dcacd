using System.Text;

namespace Virtsim.Hocon;

/// <summary>
/// Value concatenation rules: simple values join into one string (whitespace between them kept), arrays join into
/// one array, objects merge left to right; mixing kinds is an error.
/// </summary>
internal static class Concatenation
{
    /// <summary>Largest string a concatenation may produce (guards against exponential substitution growth).</summary>
    public const int MaxStringLength = 10_000_000;

    /// <summary>Largest array a concatenation may produce.</summary>
    public const int MaxArrayLength = 1_000_000;

    /// <summary>
    /// Combines parsed pieces: immediately when every piece is concrete, otherwise as an unresolved
    /// <see cref="HoconConcatenation"/>.
    /// </summary>
    public static HoconValue Create(List<HoconValue> pieces)
    {
        if (pieces.Any(p => p.Kind is HoconValueKind.Substitution or HoconValueKind.Concatenation or HoconValueKind.Merge))
        {
            return new HoconConcatenation(pieces, pieces[0].Position);
        }

        return Combine(pieces, pieces[0].Position)!;
    }

    /// <summary>
    /// Combines concrete pieces (separators are <see cref="HoconString"/>s flagged as separators).
    /// Returns <see langword="null"/> when there is nothing but separators.
    /// </summary>
    public static HoconValue? Combine(IReadOnlyList<HoconValue> pieces, HoconPosition position)
    {
        var first = 0;
        var last = pieces.Count - 1;
        while (first <= last && pieces[first] is HoconString { IsSeparator: true })
        {
            first++;
        }

        while (last >= first && pieces[last] is HoconString { IsSeparator: true })
        {
            last--;
        }

        if (first > last)
        {
            return null;
        }

        if (first == last)
        {
            return pieces[first];
        }

        var values = new List<HoconValue>();
        for (var i = first; i <= last; i++)
        {
            if (pieces[i] is not HoconString { IsSeparator: true })
            {
                values.Add(pieces[i]);
            }
        }

        if (values.Any(v => v is HoconArray))
        {
            // Where a list is expected, objects with integer keys count as arrays (spec: numerically-indexed objects).
            values = values.Select(v => v is HoconObject o && NumericallyIndexed(o) is { } list ? list : v).ToList();
        }

        var head = values[0];
        foreach (var v in values)
        {
            var compatible = head.IsSimple ? v.IsSimple : v.Kind == head.Kind;
            if (!compatible)
            {
                throw new HoconException(v.Position,
                    $"cannot concatenate {head.Describe()} with {v.Describe()}: a value concatenation must be all simple values, all arrays or all objects");
            }
        }

        if (head.IsSimple)
        {
            long length = 0;
            for (var i = first; i <= last; i++)
            {
                length += pieces[i].ConcatenationText!.Length;
            }

            if (length > MaxStringLength)
            {
                throw new HoconException(position, $"value concatenation produces a string longer than {MaxStringLength} characters");
            }

            var sb = new StringBuilder((int)length);
            for (var i = first; i <= last; i++)
            {
                sb.Append(pieces[i].ConcatenationText);
            }

            return new HoconString(sb.ToString(), position);
        }

        if (head is HoconArray)
        {
            if (values.Sum(v => (long)((HoconArray)v).Items.Count) > MaxArrayLength)
            {
                throw new HoconException(position, $"array concatenation produces more than {MaxArrayLength} elements");
            }

            return new HoconArray(values.SelectMany(v => ((HoconArray)v).Items), position);
        }

        // The pieces may be shared (memoized resolutions): the first merge copies into a scope of its own, and
        // the following ones merge into that copy in place.
        var scope = new MergeScope();
        var merged = (HoconObject)values[0];
        for (var i = 1; i < values.Count; i++)
        {
            merged = ValueMerger.MergeObjects(merged, (HoconObject)values[i], scope);
        }

        return merged;
    }

    /// <summary>
    /// The array an object with integer keys stands for (elements ordered by key, other keys ignored), or
    /// <see langword="null"/> when no key is an integer.
    /// </summary>
    public static HoconArray? NumericallyIndexed(HoconObject o)
    {
        var items = o.Fields
            .Select(f => (Ok: int.TryParse(f.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i), Index: i, f.Value))
            .Where(x => x.Ok)
            .OrderBy(x => x.Index)
            .Select(x => x.Value)
            .ToList();
        return items.Count == 0 ? null : new HoconArray(items, o.Position);
    }
}
