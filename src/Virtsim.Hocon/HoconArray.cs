namespace Virtsim.Hocon;

/// <summary>An array of values.</summary>
public sealed class HoconArray : HoconValue
{
    private readonly List<HoconValue> _items;

    /// <summary>Creates an array.</summary>
    /// <param name="items">The elements, in order.</param>
    /// <param name="position">Where the array starts.</param>
    public HoconArray(IEnumerable<HoconValue> items, HoconPosition position)
        : base(position)
    {
        Guard.NotNull(items);
        _items = items.ToList();
        foreach (var item in _items)
        {
            Guard.NotNull(item);
        }
    }

    /// <summary>The elements, in order.</summary>
    public IReadOnlyList<HoconValue> Items => _items;

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Array;

    /// <inheritdoc />
    public override bool IsResolved => _items.All(i => i.IsResolved);

    /// <inheritdoc />
    public override string? ConcatenationText => null;

    /// <inheritdoc />
    public override string Describe() => $"array of {_items.Count} element(s)";
}
