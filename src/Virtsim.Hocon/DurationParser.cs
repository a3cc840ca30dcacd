using System.Globalization;

namespace Virtsim.Hocon;

/// <summary>
/// The HOCON duration format: a number (milliseconds) or a string of a number and an optional lower-case unit
/// (<c>ns</c>, <c>us</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c> and their long names).
/// </summary>
internal static class DurationParser
{
    private static readonly Dictionary<string, decimal> NanosPerUnit = Build();

    private static Dictionary<string, decimal> Build()
    {
        var table = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(decimal nanos, params string[] names)
        {
            foreach (var n in names)
            {
                table[n] = nanos;
            }
        }

        Add(1m, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
        Add(1_000m, "us", "micro", "micros", "microsecond", "microseconds");
        Add(1_000_000m, "ms", "milli", "millis", "millisecond", "milliseconds");
        Add(1_000_000_000m, "s", "second", "seconds");
        Add(60_000_000_000m, "m", "minute", "minutes");
        Add(3_600_000_000_000m, "h", "hour", "hours");
        Add(86_400_000_000_000m, "d", "day", "days");
        return table;
    }

    /// <summary>Converts a resolved value to a <see cref="TimeSpan"/> (nanoseconds are rounded to 100 ns ticks).</summary>
    public static TimeSpan Parse(HoconValue value, string path)
    {
        var (number, unit) = UnitText.Split(value, path, "duration");
        decimal nanosPerUnit;
        if (unit.Length == 0)
        {
            nanosPerUnit = NanosPerUnit["ms"];
        }
        else if (!NanosPerUnit.TryGetValue(unit, out nanosPerUnit))
        {
            throw new HoconException(value.Position,
                $"invalid duration at '{path}': unknown unit '{unit}' (expected ns, us, ms, s, m, h or d, or their long names)");
        }

        try
        {
            var ticks = decimal.Round(number * nanosPerUnit / 100m, MidpointRounding.AwayFromZero);
            if (ticks > TimeSpan.MaxValue.Ticks || ticks < TimeSpan.MinValue.Ticks)
            {
                throw new OverflowException();
            }

            return TimeSpan.FromTicks((long)ticks);
        }
        catch (OverflowException)
        {
            throw new HoconException(value.Position, $"duration at '{path}' is out of range");
        }
    }

    /// <summary>Shared "number then optional unit letters" splitting for durations and sizes.</summary>
    internal static class UnitText
    {
        public static (decimal Number, string Unit) Split(HoconValue value, string path, string what)
        {
            string text;
            switch (value)
            {
                case HoconNumber n:
                    text = n.Text;
                    break;
                case HoconString s:
                    text = s.Value;
                    break;
                default:
                    throw new HoconException(value.Position, $"expected a {what} at '{path}' but found {value.Describe()}");
            }

            var trimmed = text.Trim();
            var end = trimmed.Length;
            while (end > 0 && char.IsLetter(trimmed[end - 1]))
            {
                end--;
            }

            var unit = trimmed[end..];
            var numberText = trimmed[..end].TrimEnd();
            if (numberText.Length == 0 ||
                !decimal.TryParse(numberText, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                    CultureInfo.InvariantCulture, out var number))
            {
                throw new HoconException(value.Position, $"invalid {what} at '{path}': expected a number followed by an optional unit but found \"{text}\"");
            }

            return (number, unit);
        }
    }
}
