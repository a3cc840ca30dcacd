using Virtsim.Hocon;

namespace Virtsim.Fleet.Configuration;

/// <summary>
/// The fleet's own checks of settings, positioned at the offending value (the general ones, such as
/// <see cref="HoconSettings.At{T}(HoconConfig, Func{HoconConfig, T})"/> and <see cref="HoconSettings.Range{T}"/>,
/// live in <see cref="HoconSettings"/>).
/// </summary>
internal static class Settings
{
    /// <summary>A duration that must not be negative.</summary>
    public static TimeSpan NonNegativeDuration(HoconConfig c, string path) => Duration(c, path, d => d >= TimeSpan.Zero, "must not be negative");

    /// <summary>A duration that must be more than zero.</summary>
    public static TimeSpan PositiveDuration(HoconConfig c, string path) => Duration(c, path, d => d > TimeSpan.Zero, "must be positive");

    /// <summary>
    /// Checks the name of a host, VM, device or vendor profile: not empty, only ASCII letters, digits, '-' and '_'
    /// (names appear in device paths such as <c>host/vm/device</c>).
    /// </summary>
    /// <param name="name">The name.</param>
    /// <param name="at">Where the name was written.</param>
    /// <param name="what">What is named, for the message ("host", "vendor profile"...).</param>
    /// <exception cref="HoconException">The name is invalid.</exception>
    public static void CheckName(string name, HoconPosition at, string what)
    {
        if (name.Length == 0 || name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_')))
            throw new HoconException(at, $"{what} name '{name}' must be letters, digits, '-' or '_'");
    }

    private static TimeSpan Duration(HoconConfig c, string path, Func<TimeSpan, bool> valid, string rule)
    {
        var d = HoconSettings.At(c, x => x.GetDuration(path));
        return valid(d) ? d : throw new HoconException(c.GetValue(path).Position, $"{path} {rule} (got {c.GetValue(path).ToJson()})");
    }
}
