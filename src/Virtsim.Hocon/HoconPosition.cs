namespace Virtsim.Hocon;

/// <summary>
/// A place in a HOCON source: the file (or source name), the 1-based line and the 1-based column.
/// </summary>
/// <param name="Source">The file path or the name given to the parsed text (for example <c>cluster.conf</c>).</param>
/// <param name="Line">The 1-based line number.</param>
/// <param name="Column">The 1-based column number, counted in UTF-16 code units.</param>
public readonly record struct HoconPosition(string Source, int Line, int Column)
{
    /// <summary>Formats the position as <c>source:line:column</c>, using only the file name of the source.</summary>
    public override string ToString() => $"{DisplayName(Source)}:{Line}:{Column}";

    internal static string DisplayName(string source)
    {
        if (string.IsNullOrEmpty(source))
        {
            return "<unknown>";
        }

        var name = Path.GetFileName(source);
        return string.IsNullOrEmpty(name) ? source : name;
    }
}
