using System.Numerics;

namespace Virtsim.Hocon;

/// <summary>
/// Helpers for settings loaders that keep every error positioned: a missing setting is reported at the object that
/// lacks it (the <see cref="HoconConfig"/> getters leave such errors without a position), and range checks point at
/// the offending value.
/// </summary>
public static class HoconSettings
{
    /// <summary>
    /// Runs <paramref name="read"/> on <paramref name="owner"/>; a position-less error (a missing setting) is
    /// reported at <see cref="OwnPosition"/> of <paramref name="owner"/>.
    /// </summary>
    /// <exception cref="HoconException">The setting is missing or invalid.</exception>
    public static T At<T>(HoconConfig owner, Func<HoconConfig, T> read)
    {
        Guard.NotNull(owner);
        return At(OwnPosition(owner), owner, read);
    }

    /// <summary>
    /// Runs <paramref name="read"/> on <paramref name="owner"/>; a position-less error (a missing setting) is
    /// reported at <paramref name="where"/>.
    /// </summary>
    /// <exception cref="HoconException">The setting is missing or invalid.</exception>
    public static T At<T>(HoconPosition where, HoconConfig owner, Func<HoconConfig, T> read)
    {
        Guard.NotNull(where);
        Guard.NotNull(owner);
        Guard.NotNull(read);
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
        Guard.NotNull(c);
        foreach (var (_, value) in c.Root.Fields)
            if (!value.Position.Source.EndsWith("reference.conf", StringComparison.Ordinal)) return value.Position;
        return c.Root.Position;
    }

    /// <summary>
    /// <paramref name="value"/> (read from <paramref name="path"/> of <paramref name="c"/>) if it is at least
    /// <paramref name="min"/>.
    /// </summary>
    /// <exception cref="HoconException">The value is smaller, reported at the value: "<c>path must be at least min (got value)</c>".</exception>
    public static T AtLeast<T>(HoconConfig c, string path, T value, T min) where T : INumber<T>
    {
        Guard.NotNull(c);
        return value >= min ? value : throw new HoconException(c.GetValue(path).Position, $"{path} must be at least {min} (got {value})");
    }

    /// <summary>
    /// <paramref name="value"/> (read from <paramref name="path"/> of <paramref name="c"/>) if it lies within
    /// <paramref name="min"/>..<paramref name="max"/>.
    /// </summary>
    /// <exception cref="HoconException">The value is outside, reported at the value: "<c>path value is outside min..max</c>".</exception>
    public static T Range<T>(HoconConfig c, string path, T value, T min, T max) where T : INumber<T>
    {
        Guard.NotNull(c);
        return value >= min && value <= max ? value : throw new HoconException(c.GetValue(path).Position, $"{path} {value} is outside {min}..{max}");
    }
}
