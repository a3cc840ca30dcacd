using System.Globalization;
using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Waves;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// The <c>racks</c>, <c>vm-placement</c> and <c>waves</c> parts of a scenario for <see cref="ScenarioLoader"/>: reads each
/// wave over <c>wave-defaults</c> and <c>migration-defaults</c>, selects its hosts, plans it with
/// <see cref="WavePlanner"/> and turns every move into a <see cref="MigrationSpec"/>. Errors are
/// <see cref="HoconException"/>s at the value (docs/fleet.md, "Migration waves").
/// </summary>
internal static class WaveSection
{
    /// <summary>The <c>racks</c> block: null when <c>hosts-per-rack</c> is 0.</summary>
    public static RackLayout? Racks(HoconConfig root)
    {
        var r = HoconSettings.At(root, x => x.GetConfig("racks"));
        int perRack = (int)HoconSettings.Range(r, "hosts-per-rack", HoconSettings.At(r, x => x.GetLong("hosts-per-rack")), 0, 1_000_000);
        if (perRack == 0) return null;
        return new RackLayout(perRack, PositiveRate(r, "tor-bandwidth"), PositiveRate(r, "spine-bandwidth"));
    }

    /// <summary>The <c>waves</c> list (empty when absent), planned over <paramref name="hosts"/>.</summary>
    public static IReadOnlyList<WaveSpec> Waves(HoconConfig root, IReadOnlyList<HostSpec> hosts, RackLayout? racks, IReadOnlyList<MigrationSpec> migrations)
    {
        if (!root.HasPath("waves")) return [];
        var placement = HoconSettings.At(root, x => x.GetConfig("vm-placement"));
        int capacity = (int)HoconSettings.Range(placement, "max-vms-per-host", HoconSettings.At(placement, x => x.GetLong("max-vms-per-host")), 1, 1_000_000);
        string strategyText = HoconSettings.At(placement, x => x.GetString("strategy"));
        var strategy = strategyText switch
        {
            "spread" => PlacementStrategy.Spread,
            "pack" => PlacementStrategy.Pack,
            _ => throw new HoconException(placement.GetValue("strategy").Position, $"unknown vm-placement strategy '{strategyText}' (spread or pack)"),
        };
        var waveDefaults = HoconSettings.At(root, x => x.GetConfig("wave-defaults")).WithFallback(HoconSettings.At(root, x => x.GetConfig("migration-defaults")));
        var index = new Dictionary<string, int>(hosts.Count, StringComparer.Ordinal);
        for (int i = 0; i < hosts.Count; i++) index[hosts[i].Name] = i;

        var read = new List<(HoconConfig W, HoconPosition At, WaveKind Kind, string HostsText, IReadOnlyList<int> Hosts, int Batch, WaveLimits Limits)>();
        foreach (var own in HoconSettings.At(root, r => r.GetConfigList("waves")))
        {
            var w = own.WithFallback(waveDefaults);
            var at = HoconSettings.OwnPosition(own);
            if (own.HasPath("devices")) throw new HoconException(own.GetValue("devices").Position, "a wave keeps every device's vendor (devices is for one migration)");
            string kindText = HoconSettings.At(at, w, x => x.GetString("kind"));
            var kind = kindText switch
            {
                "evacuate" => WaveKind.Evacuate,
                "rebalance" => WaveKind.Rebalance,
                "rolling-upgrade" => WaveKind.RollingUpgrade,
                _ => throw new HoconException(w.GetValue("kind").Position, $"unknown wave kind '{kindText}' (evacuate, rebalance or rolling-upgrade)"),
            };
            string hostsText = HoconSettings.At(at, w, x => x.GetString("hosts"));
            var selected = SelectHosts(hostsText, w.GetValue("hosts").Position, hosts, index);
            int batch = kind == WaveKind.RollingUpgrade ? Batch(w, at, selected.Count) : 1;
            var limits = new WaveLimits(Limit(w, at, "per-host"), Limit(w, at, "per-rack"), Limit(w, at, "total"));
            read.Add((w, at, kind, hostsText, selected, batch, limits));
        }
        var plannerHosts = hosts.Select((h, i) => new WavePlanner.Host(h.Name, racks?.RackOf(i) ?? 0, [.. h.Vms.Select(v => v.Name)])).ToList();
        var pinned = migrations.Select(m => m.VmPath).ToHashSet(StringComparer.Ordinal);
        var plans = WavePlanner.Plan(plannerHosts, capacity, strategy, [.. read.Select(r => new WavePlanner.Request(r.Kind, r.Hosts, r.Batch))], pinned);
        var waves = new List<WaveSpec>();
        for (int k = 0; k < read.Count; k++)
        {
            var (w, at, kind, hostsText, _, _, limits) = read[k];
            var (settings, policy) = MigrationSection.Knobs(w, at, $"wave {k + 1}");
            var start = Settings.NonNegativeDuration(w, "at");
            var roundTrip = Settings.NonNegativeDuration(w, "postcopy-round-trip");
            waves.Add(new WaveSpec
            {
                Index = k,
                Kind = kind,
                Hosts = hostsText,
                At = start,
                Limits = limits,
                Plan = plans[k],
                Migrations = [.. plans[k].Moves.Select(m => new MigrationSpec
                {
                    Vm = m.Vm,
                    From = hosts[m.From].Name,
                    To = hosts[m.To].Name,
                    At = start,
                    Settings = settings,
                    OnLinkFailure = policy,
                    PostCopyRoundTrip = roundTrip,
                })],
            });
        }
        return waves;
    }

    // "h00001..h02000" (names in world order), "h00007", or "10%" (that share of the fleet, spread evenly).
    private static List<int> SelectHosts(string text, HoconPosition at, IReadOnlyList<HostSpec> hosts, Dictionary<string, int> index)
    {
        if (text.EndsWith('%'))
        {
            if (!double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) || !(percent > 0 && percent <= 100))
                throw new HoconException(at, $"hosts share '{text}' must be above 0% and at most 100%");
            int n = Math.Max(1, (int)Math.Round(percent / 100 * hosts.Count));
            return [.. Enumerable.Range(0, n).Select(k => (int)((long)k * hosts.Count / n))];
        }
        int dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0) return [Host(text, at, index)];
        int first = Host(text[..dots], at, index), last = Host(text[(dots + 2)..], at, index);
        if (last < first) throw new HoconException(at, $"hosts range '{text}' runs backwards ({text[(dots + 2)..]} comes before {text[..dots]})");
        return [.. Enumerable.Range(first, last - first + 1)];
    }

    private static int Host(string name, HoconPosition at, Dictionary<string, int> index) =>
        index.TryGetValue(name, out int i) ? i : throw new HoconException(at, $"no host '{name}' (hosts are a name, a range \"first..last\" or a share \"10%\")");

    private static int Batch(HoconConfig w, HoconPosition at, int hosts)
    {
        var value = w.GetValue("batch");
        string text = HoconSettings.At(at, w, x => x.GetString("batch"));
        if (text.EndsWith('%'))
        {
            if (!double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) || !(percent > 0 && percent <= 100))
                throw new HoconException(value.Position, $"batch '{text}' must be above 0% and at most 100%");
            return Math.Max(1, (int)Math.Round(percent / 100 * hosts));
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1
            ? n : throw new HoconException(value.Position, $"batch '{text}' must be a share (\"5%\") or a number of hosts of at least 1");
    }

    private static int Limit(HoconConfig w, HoconPosition at, string name)
    {
        string path = "limits." + name;
        long value = HoconSettings.At(at, w, x => x.GetLong(path));
        return (int)HoconSettings.Range(w, path, value, 1, 1_000_000);
    }

    private static long PositiveRate(HoconConfig c, string path)
    {
        long rate = HoconSettings.At(c, x => x.GetBytesPerSecond(path));
        return rate > 0 ? rate : throw new HoconException(c.GetValue(path).Position, $"{path} must be positive (got {rate} B/s)");
    }
}
