namespace Virtsim.Hocon;

/// <summary>
/// A node of a HOCON document. Parsed documents may contain unresolved nodes (<see cref="HoconConcatenation"/>,
/// <see cref="HoconSubstitution"/>, merges); a resolved <see cref="HoconConfig"/> only contains objects, arrays,
/// strings, numbers, booleans and nulls.
/// </summary>
public abstract class HoconValue
{
    /// <summary>Creates a value that starts at <paramref name="position"/>.</summary>
    private protected HoconValue(HoconPosition position) => Position = position;

    /// <summary>Where the value starts in its source.</summary>
    public HoconPosition Position { get; }

    /// <summary>The kind of value.</summary>
    public abstract HoconValueKind Kind { get; }

    /// <summary>Whether the value is fully resolved (contains no substitution, concatenation or merge).</summary>
    public abstract bool IsResolved { get; }

    /// <summary>Whether this is a simple value: string, number, boolean or null.</summary>
    public bool IsSimple => Kind is HoconValueKind.String or HoconValueKind.Number or HoconValueKind.Boolean or HoconValueKind.Null;

    /// <summary>
    /// The text used when this simple value takes part in a string concatenation (numbers as written,
    /// <c>true</c>/<c>false</c>, <c>null</c>); <see langword="null"/> for other kinds.
    /// </summary>
    public abstract string? ConcatenationText { get; }

    /// <summary>Renders the value as compact JSON (only meaningful for resolved values).</summary>
    public string ToJson() => JsonWriter.Write(this, indent: false);

    /// <summary>A short human description such as <c>number 42</c> or <c>object</c>, used in error messages.</summary>
    public abstract string Describe();
}
