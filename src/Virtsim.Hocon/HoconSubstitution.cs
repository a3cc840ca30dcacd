namespace Virtsim.Hocon;

/// <summary>An unresolved substitution <c>${path}</c> or <c>${?path}</c>.</summary>
public sealed class HoconSubstitution : HoconValue
{
    internal HoconSubstitution(IReadOnlyList<string> path, bool optional, IReadOnlyList<string> prefix, HoconPosition position)
        : base(position)
    {
        Path = path;
        Optional = optional;
        Prefix = prefix;
    }

    /// <summary>The path elements, as written (relative to the root of the file it was written in).</summary>
    public IReadOnlyList<string> Path { get; }

    /// <summary>Whether it was written <c>${?path}</c>: an undefined optional substitution makes its field disappear.</summary>
    public bool Optional { get; }

    /// <summary>
    /// For substitutions in included files: the path at which the file was included. The substitution is looked up
    /// first at <c>Prefix + Path</c>, then at <c>Path</c>.
    /// </summary>
    internal IReadOnlyList<string> Prefix { get; }

    /// <summary>
    /// True for the <c>${?a}</c> that <c>a += x</c> stands for: the field reading its own earlier value, not another
    /// key (so it does not make <c>a</c> a key that something reads).
    /// </summary>
    internal bool AppendsToItself { get; init; }

    /// <summary>The substitution as it would be written, for example <c>${?a.b}</c>.</summary>
    public string Text => $"${{{(Optional ? "?" : "")}{HoconPath.Render(Path)}}}";

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Substitution;

    /// <inheritdoc />
    public override bool IsResolved => false;

    /// <inheritdoc />
    public override string? ConcatenationText => null;

    /// <inheritdoc />
    public override string Describe() => $"substitution {Text}";
}
