namespace Virtsim.Hocon;

/// <summary>The kind of resource an include statement names.</summary>
internal enum IncludeKind
{
    /// <summary><c>include "name"</c>: a URL if it looks like one, otherwise a file.</summary>
    Heuristic,
    /// <summary><c>include file("name")</c></summary>
    File,
    /// <summary><c>include url("name")</c></summary>
    Url,
    /// <summary><c>include classpath("name")</c></summary>
    Classpath,
}

/// <summary>One parsed include statement.</summary>
/// <param name="Kind">The resource kind.</param>
/// <param name="Name">The quoted resource name.</param>
/// <param name="Required">Whether it was wrapped in <c>required(...)</c>.</param>
/// <param name="Position">Where the <c>include</c> keyword is.</param>
internal sealed record IncludeRequest(IncludeKind Kind, string Name, bool Required, HoconPosition Position);
