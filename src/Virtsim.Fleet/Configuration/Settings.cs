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
    public static TimeSpan NonNegativeDuration(HoconConfig c, string path)
    {
        var d = HoconSettings.At(c, x => x.GetDuration(path));
        return d >= TimeSpan.Zero ? d : throw new HoconException(c.GetValue(path).Position, $"{path} must not be negative (got {c.GetValue(path).ToJson()})");
    }
}
