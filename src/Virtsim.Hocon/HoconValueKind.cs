namespace Virtsim.Hocon;

/// <summary>The kind of a <see cref="HoconValue"/>.</summary>
public enum HoconValueKind
{
    /// <summary>An object: ordered fields.</summary>
    Object,
    /// <summary>An array of values.</summary>
    Array,
    /// <summary>A string (quoted, unquoted, triple-quoted or the result of a string concatenation).</summary>
    String,
    /// <summary>A number, kept as written in the source.</summary>
    Number,
    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
    /// <summary><c>null</c>.</summary>
    Null,
    /// <summary>An unresolved value concatenation that contains a substitution.</summary>
    Concatenation,
    /// <summary>An unresolved substitution <c>${path}</c> or <c>${?path}</c>.</summary>
    Substitution,
    /// <summary>An unresolved merge of several values assigned to the same key (only before resolution).</summary>
    Merge,
}
