namespace Virtsim.Hocon;

/// <summary>
/// Values assigned to the same key that could not be merged while parsing because one of them is unresolved.
/// Oldest first; resolution starts from the newest and lets objects fall back to older values.
/// </summary>
internal sealed class HoconMergeStack : HoconValue
{
    private readonly List<HoconValue> _values;

    public HoconMergeStack(IEnumerable<HoconValue> values, HoconPosition position)
        : base(position) => _values = values.ToList();

    /// <summary>The values, oldest first.</summary>
    public IReadOnlyList<HoconValue> Values => _values;

    public override HoconValueKind Kind => HoconValueKind.Merge;

    public override bool IsResolved => false;

    public override string? ConcatenationText => null;

    public override string Describe() => "merge of several values";
}
