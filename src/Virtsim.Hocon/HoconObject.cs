namespace Virtsim.Hocon;

/// <summary>An object: fields kept in the order their keys first appeared.</summary>
public sealed class HoconObject : HoconValue
{
    private readonly List<string> _keys = [];
    private readonly Dictionary<string, HoconValue> _fields = new(StringComparer.Ordinal);

    /// <summary>Creates an empty object.</summary>
    /// <param name="position">Where the object starts.</param>
    public HoconObject(HoconPosition position)
        : base(position)
    {
    }

    /// <summary>Creates an object from fields, in order; a repeated key replaces the earlier value.</summary>
    /// <param name="fields">The fields.</param>
    /// <param name="position">Where the object starts.</param>
    public HoconObject(IEnumerable<KeyValuePair<string, HoconValue>> fields, HoconPosition position)
        : base(position)
    {
        Guard.NotNull(fields);
        foreach (var (key, value) in fields)
        {
            Set(key, value);
        }
    }

    /// <summary>The keys, in insertion order.</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The number of fields.</summary>
    public int Count => _keys.Count;

    /// <summary>The fields, in insertion order.</summary>
    public IEnumerable<KeyValuePair<string, HoconValue>> Fields => _keys.Select(k => new KeyValuePair<string, HoconValue>(k, _fields[k]));

    /// <summary>The value of the field named <paramref name="key"/> (a single key, not a path).</summary>
    /// <exception cref="HoconException">The field does not exist.</exception>
    public HoconValue this[string key] =>
        _fields.TryGetValue(key, out var v) ? v : throw new HoconException(Position, $"object has no field \"{key}\"");

    /// <summary>Looks up the field named <paramref name="key"/> (a single key, not a path).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value when found.</param>
    /// <returns>Whether the field exists.</returns>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HoconValue? value) =>
        _fields.TryGetValue(key, out value);

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Object;

    /// <inheritdoc />
    public override bool IsResolved => _fields.Values.All(v => v.IsResolved);

    /// <inheritdoc />
    public override string? ConcatenationText => null;

    /// <inheritdoc />
    public override string Describe() => $"object with {_keys.Count} field(s)";

    /// <summary>
    /// Set when this object replaced a non-object value during a merge: values below it (older values or
    /// fallbacks) are hidden and must not be merged into it.
    /// </summary>
    internal bool IgnoresFallbacks { get; set; }

    /// <summary>
    /// The building session this object belongs to; merges of the same scope change it in place (see
    /// <see cref="MergeScope"/>). <see langword="null"/>: never changed after it was built.
    /// </summary>
    internal MergeScope? Scope { get; init; }

    /// <summary>
    /// Fields written on this thread by <see cref="Set"/>, ever. Only tests read it: the growth of this count with the
    /// input size shows whether merging stays linear, without timing anything.
    /// </summary>
    [ThreadStatic]
    internal static long FieldWritesOnThisThread;

    /// <summary>
    /// A copy of this object (same fields and fallback flag; same position unless <paramref name="position"/> is
    /// given) that belongs to <paramref name="scope"/>.
    /// </summary>
    internal HoconObject CopyInto(MergeScope? scope, HoconPosition? position = null)
    {
        var copy = new HoconObject(position ?? Position) { IgnoresFallbacks = IgnoresFallbacks, Scope = scope };
        foreach (var key in _keys)
        {
            copy.Set(key, _fields[key]);
        }

        return copy;
    }

    /// <summary>Sets a field, keeping the key's first position in the order.</summary>
    internal void Set(string key, HoconValue value)
    {
        Guard.NotNull(key);
        Guard.NotNull(value);
        FieldWritesOnThisThread++;
        if (!_fields.ContainsKey(key))
        {
            _keys.Add(key);
        }

        _fields[key] = value;
    }
}
