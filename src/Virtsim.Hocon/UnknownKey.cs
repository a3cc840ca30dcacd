namespace Virtsim.Hocon;

/// <summary>A key that a <see cref="KeySchema"/> does not know, where it was written, and the closest known key.</summary>
/// <param name="Key">The key as written.</param>
/// <param name="Container">Where it sits: a path such as <c>defaults.blk</c> (<c>[]</c> marks list elements), empty at the root.</param>
/// <param name="Position">Where its value starts.</param>
/// <param name="Suggestion">A known key of the same object close to <paramref name="Key"/> (a likely typo), or null.</param>
public sealed record UnknownKey(string Key, string Container, HoconPosition Position, string? Suggestion)
{
    /// <summary>The message without the position: <c>unknown key 'reqests' in defaults.blk (did you mean 'requests'?)</c>.</summary>
    public string Reason =>
        $"unknown key '{Key}' {(Container.Length == 0 ? "at the root" : $"in {Container}")}" +
        (Suggestion is null ? " (it is not read; see the documented settings)" : $" (did you mean '{Suggestion}'?)");

    /// <summary><c>file:line:column: </c> followed by <see cref="Reason"/>, as <see cref="HoconException"/> messages read.</summary>
    public override string ToString() => $"{Position}: {Reason}";
}
