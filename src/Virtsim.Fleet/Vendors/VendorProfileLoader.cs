using System.Globalization;
using Virtsim.Fleet.Configuration;
using Virtsim.Hocon;
using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.Vendors;

/// <summary>
/// Maps the HOCON <c>vendors { name { ... } }</c> section onto <see cref="VendorProfile"/> records. Every entry
/// falls back on <c>virtsim.fleet.vendor-defaults</c>; bad data (unknown backend or feature name, negative
/// duration, out-of-range number) is a <see cref="HoconException"/> at the offending value.
/// </summary>
public static class VendorProfileLoader
{
    /// <summary>The profiles of <paramref name="vendors"/> (one per key, in file order; a key set to null is skipped).</summary>
    /// <param name="vendors">The <c>vendors</c> object.</param>
    /// <param name="defaults">The <c>vendor-defaults</c> object every entry falls back on.</param>
    /// <exception cref="HoconException">An entry is invalid.</exception>
    public static IReadOnlyList<VendorProfile> Load(HoconConfig vendors, HoconConfig defaults)
    {
        var profiles = new List<VendorProfile>();
        foreach (var (name, value) in vendors.Root.Fields)
        {
            if (value is HoconNull) continue; // `name = null` removes a profile inherited from the reference
            if (value is not HoconObject)
                throw new HoconException(value.Position, $"vendor profile '{name}' must be an object but is {value.Describe()}");
            Settings.CheckName(name, value.Position, "vendor profile");
            profiles.Add(Profile(name, vendors.GetConfig($"\"{name}\"").WithFallback(defaults), value.Position));
        }
        return profiles;
    }

    /// <summary>The profiles of the fleet reference configuration (the built-in ones).</summary>
    public static IReadOnlyList<VendorProfile> LoadReference() =>
        Load(FleetReference.Fleet.GetConfig("vendors"), FleetReference.Fleet.GetConfig("vendor-defaults"));

    private static VendorProfile Profile(string name, HoconConfig c, HoconPosition entry)
    {
        var backendText = HoconSettings.At(entry, c, x => x.GetString("backend"));
        var backend = backendText switch
        {
            "in-hypervisor" => BackendKind.InHypervisor,
            "vhost-user" => BackendKind.VhostUser,
            "hardware-vf" => BackendKind.HardwareVf,
            "vdpa" => BackendKind.Vdpa,
            _ => throw new HoconException(c.GetValue("backend").Position,
                $"unknown backend '{backendText}' for vendor profile '{name}' (in-hypervisor, vhost-user, hardware-vf or vdpa)"),
        };
        var timing = HoconSettings.At(entry, c, x => x.GetConfig("timing"));
        var quirks = HoconSettings.At(entry, c, x => x.GetConfig("quirks"));
        return new VendorProfile
        {
            Name = name,
            Backend = backend,
            SubsystemVendorId = VendorId(c),
            ExtraFeatures = Features(c, "extra-features"),
            WithheldFeatures = Features(c, "withheld-features"),
            Quirks = new VendorQuirks(Features(quirks, "broken-features"), Features(quirks, "forgotten-features")),
            LogsDirtyPages = HoconSettings.At(entry, c, x => x.GetBool("logs-dirty-pages")),
            MaxQueueSize = (ushort)HoconSettings.Range(c, "max-queue-size", HoconSettings.At(entry, c, x => x.GetInt("max-queue-size")), 1, 32768),
            Timing = new VendorTiming
            {
                DoorbellCost = Settings.NonNegativeDuration(timing, "doorbell-cost"),
                DmaLatencyPerTransaction = Settings.NonNegativeDuration(timing, "dma-latency-per-transaction"),
                ParallelTransactions = (int)HoconSettings.Range(timing, "parallel-transactions", HoconSettings.At(timing, x => x.GetInt("parallel-transactions")), 1, 4096),
                NotificationDataFetchBoost = (int)HoconSettings.Range(timing, "notification-data-fetch-boost",
                    HoconSettings.At(timing, x => x.GetInt("notification-data-fetch-boost")), 1, 4096),
                PerRequestCost = Settings.NonNegativeDuration(timing, "per-request-cost"),
                PerKibCost = Settings.NonNegativeDuration(timing, "per-kib-cost"),
                InterruptCoalescing = Settings.NonNegativeDuration(timing, "interrupt-coalescing"),
                InterruptCost = Settings.NonNegativeDuration(timing, "interrupt-cost"),
                DmaTimeout = Settings.NonNegativeDuration(timing, "dma-timeout"),
                BackendWakeupCost = Settings.NonNegativeDuration(timing, "backend-wakeup-cost"),
                ShadowVirtqueueCost = Settings.NonNegativeDuration(timing, "shadow-vq-cost"),
            },
        };
    }

    private static ushort VendorId(HoconConfig c)
    {
        string text = HoconSettings.At(c, x => x.GetString("subsystem-vendor-id")).Trim();
        bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ushort.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id)
            : ushort.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
        return ok ? id : throw new HoconException(c.GetValue("subsystem-vendor-id").Position,
            $"subsystem-vendor-id '{text}' must be a 16-bit number, hex (0x1AF4) or decimal");
    }

    private static FeatureSet Features(HoconConfig c, string path)
    {
        var set = FeatureSet.None;
        foreach (var item in HoconSettings.At(c, x => x.GetList(path)))
        {
            if (item is not (HoconString or HoconNumber))
                throw new HoconException(item.Position, $"{path} holds feature names but found {item.Describe()}");
            string name = item is HoconString s ? s.Value : ((HoconNumber)item).Text;
            if (!FeatureNameParser.TryParse(name, out int bit))
                throw new HoconException(item.Position,
                    $"unknown feature '{name}' in {path} (known: {string.Join(", ", FeatureNameParser.KnownNames)}, or BIT_n)");
            set |= FeatureSet.Of(bit);
        }
        return set;
    }
}
