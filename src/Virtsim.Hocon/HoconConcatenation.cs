namespace Virtsim.Hocon;

/// <summary>
/// An unresolved value concatenation: pieces written next to each other on one line, at least one of which is a
/// substitution. Resolves to a string (simple pieces, whitespace kept), an array (arrays joined) or an object
/// (objects merged).
/// </summary>
public sealed class HoconConcatenation : HoconValue
{
    private readonly List<HoconValue> _pieces;

    internal HoconConcatenation(IEnumerable<HoconValue> pieces, HoconPosition position)
        : base(position) => _pieces = pieces.ToList();

    /// <summary>The pieces in order, including the whitespace between them as strings.</summary>
    public IReadOnlyList<HoconValue> Pieces => _pieces;

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Concatenation;

    /// <inheritdoc />
    public override bool IsResolved => false;

    /// <inheritdoc />
    public override string? ConcatenationText => null;

    /// <inheritdoc />
    public override string Describe() => "value concatenation";
}
