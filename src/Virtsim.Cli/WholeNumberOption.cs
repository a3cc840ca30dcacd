using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Virtsim.Cli;

/// <summary>
/// Whole-number options with a range, parsed with a message a user can act on ("--rounds must be a whole number
/// from 1 to 100 (got '0')") instead of System.CommandLine's type names. A value out of range is a usage error
/// (exit 2), like any other parse error.
/// </summary>
internal static class WholeNumberOption
{
    /// <summary>An option that may be left out (then null).</summary>
    public static Option<int?> Optional(string name, string description, int min, int max) => new(name)
    {
        Description = description,
        CustomParser = result => Parse(result, name, min, max),
    };

    /// <summary>An option with a default value.</summary>
    public static Option<int> WithDefault(string name, string description, int min, int max, int defaultValue) => new(name)
    {
        Description = description,
        CustomParser = result => Parse(result, name, min, max) ?? defaultValue,
        DefaultValueFactory = _ => defaultValue,
    };

    private static int? Parse(ArgumentResult result, string name, int min, int max)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max)
            return value;
        result.AddError($"{name} must be a whole number from {min} to {max} (got '{text}')");
        return null;
    }
}
