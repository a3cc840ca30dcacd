using System.CommandLine;
using System.Globalization;

namespace Virtsim.Cli;

/// <summary>
/// A command-line option that takes a duration as a plain number of some unit (<c>--timeout 2.5</c> seconds,
/// <c>--io-delay-ms 20</c>). Parsing only turns the text into a <see cref="TimeSpan"/>: a value that is not a
/// finite number, or beyond what a TimeSpan holds, is a parse error; which durations make sense is the options'
/// own Validate's business.
/// </summary>
internal static class DurationOption
{
    /// <summary>An option <paramref name="name"/> whose value counts <paramref name="unit"/>s, called <paramref name="unitName"/> in errors.</summary>
    public static Option<TimeSpan> Create(string name, TimeSpan unit, string unitName) => new(name)
    {
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
                && Math.Abs(value * unit.Ticks) < long.MaxValue / 2.0)
                return TimeSpan.FromTicks((long)Math.Round(value * unit.Ticks));
            result.AddError($"{name} takes a number of {unitName} (got '{text}')");
            return default;
        },
    };
}
