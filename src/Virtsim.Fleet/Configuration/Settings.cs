using Virtsim.Hocon;

namespace Virtsim.Fleet.Configuration;

/// <summary>
/// Getters that keep every error positioned: a missing setting is reported at the object that lacks it (the
/// HOCON getters leave such errors without a position), and range checks point at the offending value.
/// </summary>
internal static class Settings
{
    /// <summary>
    /// Runs <paramref name="read"/>; a position-less error (a missing setting) is reported at
    /// <see cref="OwnPosition"/> of <paramref name="owner"/>.
    /// </summary>
    public static T At<T>(HoconConfig owner, Func<HoconConfig, T> read) => At(OwnPosition(owner), owner, read);

    /// <summary>Runs <paramref name="read"/>; a position-less error is reported at <paramref name="where"/>.</summary>
    public static T At<T>(HoconPosition where, HoconConfig owner, Func<HoconConfig, T> read)
    {
        try
        {
            return read(owner);
        }
        catch (HoconException e) when (e.Position is null)
        {
            throw new HoconException(where, e.Reason, e);
        }
    }

    /// <summary>
    /// Where an object was written by the user: the position of its first field that does not come from a
    /// reference.conf (a merged object carries the position of its fallback), else the object's own.
    /// </summary>
    public static HoconPosition OwnPosition(HoconConfig c)
    {
        foreach (var (_, value) in c.Root.Fields)
            if (!value.Position.Source.EndsWith("reference.conf", StringComparison.Ordinal)) return value.Position;
        return c.Root.Position;
    }

    /// <summary>The value at <paramref name="path"/> if it lies within <paramref name="min"/>..<paramref name="max"/>.</summary>
    public static long Range(HoconConfig c, string path, long value, long min, long max) =>
        value >= min && value <= max ? value : throw new HoconException(c.GetValue(path).Position, $"{path} {value} is outside {min}..{max}");

    /// <summary>A duration that must not be negative.</summary>
    public static TimeSpan NonNegativeDuration(HoconConfig c, string path)
    {
        var d = At(c, x => x.GetDuration(path));
        return d >= TimeSpan.Zero ? d : throw new HoconException(c.GetValue(path).Position, $"{path} must not be negative (got {c.GetValue(path).ToJson()})");
    }
}
