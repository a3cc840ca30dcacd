namespace Virtsim.Hocon;

/// <summary>
/// The HOCON size-in-bytes format: a number (bytes) or a number and a unit: <c>B</c>, powers of ten (<c>kB</c>,
/// <c>MB</c>, ... <c>YB</c> and <c>kilobyte(s)</c>, ...) or powers of two (<c>K</c>/<c>k</c>/<c>Ki</c>/<c>KiB</c>,
/// ... and <c>kibibyte(s)</c>, ...).
/// </summary>
internal static class SizeParser
{
    private static readonly Dictionary<string, decimal> BytesPerUnit = Build();

    private static Dictionary<string, decimal> Build()
    {
        var table = new Dictionary<string, decimal>(StringComparer.Ordinal)
        {
            ["B"] = 1m, ["b"] = 1m, ["byte"] = 1m, ["bytes"] = 1m,
        };
        string[] decimalNames = ["kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"];
        string[] binaryNames = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi"];
        const string letters = "KMGTPEZY";
        decimal ten = 1m, two = 1m;
        for (var i = 0; i < letters.Length; i++)
        {
            ten *= 1000m;
            two *= 1024m;
            var upper = letters[i].ToString();
            var lower = char.ToLowerInvariant(letters[i]).ToString();
            table[(i == 0 ? "k" : upper) + "B"] = ten;
            table[decimalNames[i] + "byte"] = ten;
            table[decimalNames[i] + "bytes"] = ten;
            table[upper] = two;
            table[lower] = two;
            table[upper + "i"] = two;
            table[upper + "iB"] = two;
            table[binaryNames[i] + "byte"] = two;
            table[binaryNames[i] + "bytes"] = two;
        }

        return table;
    }

    /// <summary>Converts a resolved value to a number of bytes.</summary>
    public static long Parse(HoconValue value, string path)
    {
        var (number, unit) = DurationParser.UnitText.Split(value, path, "size in bytes");
        decimal perUnit = 1m;
        if (unit.Length > 0 && !BytesPerUnit.TryGetValue(unit, out perUnit))
        {
            throw new HoconException(value.Position,
                $"invalid size at '{path}': unknown unit '{unit}' (expected B, kB/MB/GB/... for powers of ten or K/Ki/KiB/M/... for powers of two)");
        }

        decimal bytes;
        try
        {
            bytes = number * perUnit;
        }
        catch (OverflowException)
        {
            throw new HoconException(value.Position, $"size at '{path}' does not fit in 64 bits");
        }

        if (bytes != decimal.Truncate(bytes))
        {
            throw new HoconException(value.Position, $"size at '{path}' is not a whole number of bytes ({bytes})");
        }

        if (bytes > long.MaxValue || bytes < long.MinValue)
        {
            throw new HoconException(value.Position, $"size at '{path}' does not fit in 64 bits");
        }

        return (long)bytes;
    }
}
