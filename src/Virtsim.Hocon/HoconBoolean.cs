namespace Virtsim.Hocon;

/// <summary>A boolean value written <c>true</c> or <c>false</c>.</summary>
public sealed class HoconBoolean : HoconValue
{
    /// <summary>Creates a boolean value.</summary>
    /// <param name="value">The value.</param>
    /// <param name="position">Where it starts.</param>
    public HoconBoolean(bool value, HoconPosition position)
        : base(position) => Value = value;

    /// <summary>The value.</summary>
    public bool Value { get; }

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Boolean;

    /// <inheritdoc />
    public override bool IsResolved => true;

    /// <inheritdoc />
    public override string ConcatenationText => Value ? "true" : "false";

    /// <inheritdoc />
    public override string Describe() => $"boolean {ConcatenationText}";

    /// <inheritdoc />
    public override string ToString() => ConcatenationText;
}
