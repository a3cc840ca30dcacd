namespace Virtsim.Hocon;

/// <summary>The <c>null</c> value.</summary>
public sealed class HoconNull : HoconValue
{
    /// <summary>Creates a null value.</summary>
    /// <param name="position">Where it is written.</param>
    public HoconNull(HoconPosition position)
        : base(position)
    {
    }

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Null;

    /// <inheritdoc />
    public override bool IsResolved => true;

    /// <inheritdoc />
    public override string ConcatenationText => "null";

    /// <inheritdoc />
    public override string Describe() => "null";

    /// <inheritdoc />
    public override string ToString() => "null";
}
