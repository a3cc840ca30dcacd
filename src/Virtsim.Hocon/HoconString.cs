namespace Virtsim.Hocon;

/// <summary>A string value.</summary>
public sealed class HoconString : HoconValue
{
    /// <summary>Creates a string value.</summary>
    /// <param name="value">The string contents.</param>
    /// <param name="position">Where it starts.</param>
    public HoconString(string value, HoconPosition position)
        : base(position)
    {
        Guard.NotNull(value);
        Value = value;
    }

    internal HoconString(string value, HoconPosition position, bool isSeparator)
        : this(value, position) => IsSeparator = isSeparator;

    /// <summary>The string contents.</summary>
    public string Value { get; }

    /// <summary>Whitespace between two pieces of a concatenation (kept only for string concatenation).</summary>
    internal bool IsSeparator { get; }

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.String;

    /// <inheritdoc />
    public override bool IsResolved => true;

    /// <inheritdoc />
    public override string ConcatenationText => Value;

    /// <inheritdoc />
    public override string Describe() => $"string \"{(Value.Length <= 30 ? Value : Value[..27] + "...")}\"";

    /// <inheritdoc />
    public override string ToString() => Value;
}
