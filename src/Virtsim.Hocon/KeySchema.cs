namespace Virtsim.Hocon;

/// <summary>
/// The keys a configuration may hold, so that keys nobody reads (typos such as <c>reqests</c>) can be reported by
/// <see cref="UnknownKeys"/>. A schema node is one of: an object with known keys, each with its own schema; a map
/// whose keys the user names (vendor profiles), every value following one schema; a list whose elements follow one
/// schema; or <see cref="Anything"/>, a value not looked into. Immutable; <see cref="With"/> returns a changed copy.
/// </summary>
public sealed class KeySchema
{
    private readonly IReadOnlyDictionary<string, KeySchema>? _fields;
    private readonly KeySchema? _entry;
    private readonly KeySchema? _item;

    private KeySchema(IReadOnlyDictionary<string, KeySchema>? fields, KeySchema? entry, KeySchema? item)
    {
        _fields = fields;
        _entry = entry;
        _item = item;
    }

    /// <summary>Any value; nothing below it is checked.</summary>
    public static KeySchema Anything { get; } = new(null, null, null);

    /// <summary>An object whose keys are exactly <paramref name="fields"/>.</summary>
    /// <param name="fields">The known keys and the schema of each value.</param>
    public static KeySchema Object(IEnumerable<KeyValuePair<string, KeySchema>> fields)
    {
        Guard.NotNull(fields);
        return new(new Dictionary<string, KeySchema>(fields, StringComparer.Ordinal), null, null);
    }

    /// <summary>An object whose keys are named by the user (every key allowed), each value following <paramref name="entry"/>.</summary>
    public static KeySchema MapOf(KeySchema entry)
    {
        Guard.NotNull(entry);
        return new(null, entry, null);
    }

    /// <summary>An array whose elements follow <paramref name="item"/>.</summary>
    public static KeySchema ListOf(KeySchema item)
    {
        Guard.NotNull(item);
        return new(null, null, item);
    }

    /// <summary>
    /// The keys of a reference configuration: every object becomes an object schema with its keys, every other
    /// value (numbers, strings, lists, null) <see cref="Anything"/>.
    /// </summary>
    /// <param name="reference">A resolved object, for example the <c>Root</c> of a reference.conf section.</param>
    public static KeySchema FromReference(HoconObject reference)
    {
        Guard.NotNull(reference);
        return Object(reference.Fields.Select(f => new KeyValuePair<string, KeySchema>(
            f.Key, f.Value is HoconObject o ? FromReference(o) : Anything)));
    }

    /// <summary>The known keys of an object schema (empty for other kinds).</summary>
    public IEnumerable<string> Keys => _fields?.Keys ?? [];

    /// <summary>
    /// A copy with the schema at <paramref name="path"/> (a path expression such as <c>defaults.device.vendor</c>)
    /// set to <paramref name="schema"/>; the objects along the path are added when missing.
    /// </summary>
    /// <exception cref="HoconException">The path is invalid, or passes through a value that is not an object schema.</exception>
    public KeySchema With(string path, KeySchema schema)
    {
        Guard.NotNull(path);
        Guard.NotNull(schema);
        return WithAt(HoconPath.Parse(path), 0, schema);
    }

    private KeySchema WithAt(IReadOnlyList<string> path, int index, KeySchema schema)
    {
        if (_fields is null && (_entry is not null || _item is not null))
        {
            throw new HoconException(null, $"key schema: '{HoconPath.Render(path.Take(index))}' is a map or a list, not an object with known keys");
        }

        var fields = new Dictionary<string, KeySchema>(_fields ?? new Dictionary<string, KeySchema>(), StringComparer.Ordinal);
        var key = path[index];
        fields[key] = index == path.Count - 1
            ? schema
            : (fields.TryGetValue(key, out var below) ? below : Anything).WithAt(path, index + 1, schema);
        return new KeySchema(fields, null, null);
    }

    /// <summary>Looks up the schema of <paramref name="key"/> in an object schema; maps accept every key.</summary>
    internal bool TryGetField(string key, out KeySchema schema)
    {
        if (_entry is not null)
        {
            schema = _entry;
            return true;
        }

        if (_fields is not null && _fields.TryGetValue(key, out var known))
        {
            schema = known;
            return true;
        }

        schema = Anything;
        return false;
    }

    /// <summary>Whether this schema looks into object keys (an object or a map schema).</summary>
    internal bool ChecksKeys => _fields is not null || _entry is not null;

    /// <summary>The schema of list elements, or null when this is not a list schema.</summary>
    internal KeySchema? Item => _item;

    /// <summary>Whether nothing below this value is checked.</summary>
    internal bool IsAnything => _fields is null && _entry is null && _item is null;
}
