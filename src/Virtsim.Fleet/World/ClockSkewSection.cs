using System.Globalization;
using Virtsim.Fleet.Configuration;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// Reads the <c>faults</c> entries with <c>kind = clock-skew</c> of a scenario, for <see cref="ScenarioLoader"/>:
/// <c>{ kind = clock-skew, hosts = [h1], from = 1ms, until = 5ms, offset = 50us, drift = 1.5 }</c>. Every error is a
/// <see cref="HoconException"/> at the offending value (docs/faults.md).
/// </summary>
internal static class ClockSkewSection
{
    /// <summary>The fault's <c>kind</c>.</summary>
    public const string Kind = "clock-skew";

    /// <summary>Reads one entry; <paramref name="skewed"/> holds the hosts earlier entries skewed (a host takes one).</summary>
    public static ClockSkewSpec Read(HoconConfig f, IReadOnlyList<HostSpec> hosts, HashSet<string> skewed)
    {
        var at = HoconSettings.OwnPosition(f);
        foreach (var key in (string[])["at", "device", "devices", "host", "duration", "probability"])
            if (f.HasPath(key))
                throw new HoconException(f.GetValue(key).Position, $"a clock-skew fault has no '{key}' (it takes hosts, from, until, offset, drift)");
        if (!f.HasPath("hosts")) throw new HoconException(at, "a clock-skew fault needs hosts = [...]");
        var names = new List<string>();
        foreach (var item in HoconSettings.At(f, x => x.GetList("hosts")))
        {
            string name = item is HoconString s ? s.Value : throw new HoconException(item.Position, $"a host is a name (got {item.Describe()})");
            if (!hosts.Any(h => h.Name == name))
                throw new HoconException(item.Position, $"no host '{name}' (hosts: {string.Join(", ", hosts.Select(h => h.Name))})");
            if (!skewed.Add(name)) throw new HoconException(item.Position, $"host '{name}' already has a clock-skew fault (one per host)");
            names.Add(name);
        }
        if (names.Count == 0) throw new HoconException(f.GetValue("hosts").Position, "a clock-skew fault needs at least one host");
        var from = f.HasPath("from") ? Settings.NonNegativeDuration(f, "from") : TimeSpan.Zero;
        var until = TimeSpan.MaxValue;
        if (f.HasPath("until"))
        {
            until = Settings.NonNegativeDuration(f, "until");
            if (until <= from)
                throw new HoconException(f.GetValue("until").Position, $"until ({until.TotalMicroseconds} us) must be after from ({from.TotalMicroseconds} us)");
        }
        var offset = f.HasPath("offset") ? HoconSettings.At(f, x => x.GetDuration("offset")) : TimeSpan.Zero;
        double drift = 1;
        if (f.HasPath("drift"))
        {
            drift = HoconSettings.At(f, x => x.GetDouble("drift"));
            if (!(drift > 0 && drift <= 1_000_000))
                throw new HoconException(f.GetValue("drift").Position, $"drift is the host clock's rate against true time, more than 0 and at most 1000000 (got {drift.ToString(CultureInfo.InvariantCulture)})");
        }
        if (offset == TimeSpan.Zero && drift == 1)
            throw new HoconException(at, "a clock-skew fault needs an offset or a drift other than 1");
        return new ClockSkewSpec(names, from, until, offset, drift);
    }
}
