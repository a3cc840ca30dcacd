namespace Virtsim.Hocon;

/// <summary>
/// A data rate in bytes per second, written as a HOCON size per second: <c>64MiB/s</c>, <c>1 GiB/s</c>,
/// <c>100MB/second</c>, or a plain number (bytes per second). The size part takes every unit
/// <see cref="SizeParser"/> does (powers of ten and of two).
/// </summary>
internal static class RateParser
{
    private static readonly string[] Suffixes = ["/second", "/sec", "/s"];

    /// <summary>Converts a resolved value to bytes per second.</summary>
    public static long Parse(HoconValue value, string path)
    {
        if (value is HoconNumber) return SizeParser.Parse(value, path);
        if (value is not HoconString s)
            throw new HoconException(value.Position, $"expected a rate (a size per second, such as 64MiB/s) at '{path}' but found {value.Describe()}");
        string text = s.Value.Trim();
        string? size = null;
        foreach (var suffix in Suffixes)
        {
            if (!text.EndsWith(suffix, StringComparison.Ordinal)) continue;
            size = text[..^suffix.Length];
            break;
        }
        if (size is null)
        {
            if (text.Length > 0 && text.All(ch => char.IsAsciiDigit(ch) || ch == '.')) size = text;
            else throw new HoconException(value.Position, $"invalid rate at '{path}': expected a size per second such as 64MiB/s or 1GB/s but found \"{s.Value}\"");
        }
        return SizeParser.Parse(new HoconString(size, value.Position), path);
    }
}
