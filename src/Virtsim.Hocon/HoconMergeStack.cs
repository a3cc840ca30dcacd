namespace Virtsim.Hocon;

/// <summary>
/// Values assigned to the same key that could not be merged while parsing because one of them is unresolved.
/// Oldest first; resolution starts from the newest and lets objects fall back to older values.
/// </summary>
internal sealed class HoconMergeStack : HoconValue
{
    private readonly List<HoconValue> _values;

    public HoconMergeStack(IEnumerable<HoconValue> values, HoconPosition position, MergeScope? scope = null)
        : base(position)
    {
        _values = values.ToList();
        Scope = scope;
    }

    /// <summary>The values, oldest first.</summary>
    public IReadOnlyList<HoconValue> Values => _values;

    /// <summary>The building session that may still change this stack in place (see <see cref="MergeScope"/>).</summary>
    public MergeScope? Scope { get; }

    /// <summary>Adds a newer value on top (only while building, in <see cref="Scope"/>).</summary>
    public void Push(HoconValue value) => _values.Add(value);

    /// <summary>Replaces the newest value (only while building, in <see cref="Scope"/>).</summary>
    public void ReplaceTop(HoconValue value) => _values[^1] = value;

    public override HoconValueKind Kind => HoconValueKind.Merge;

    public override bool IsResolved => false;

    public override string? ConcatenationText => null;

    public override string Describe() => "merge of several values";
}
