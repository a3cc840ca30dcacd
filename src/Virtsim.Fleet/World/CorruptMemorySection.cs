using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// Reads a <c>{ kind = corrupt-memory, at = 2ms, device = "h/vm/dev", queue = 0, target = descriptor | avail-index | data | event-suppression | used-index }</c>
/// fault: the device's ring (or a chain's data) in its VM's guest memory is corrupted when the device next serves that
/// queue after <c>at</c>; or, with <c>from</c>, <c>until</c> and <c>probability</c> instead of <c>at</c>, at each of its
/// passes in that window with that probability (docs/faults.md).
/// </summary>
public static class CorruptMemorySection
{
    /// <summary>The fault's <c>kind</c>.</summary>
    public const string Kind = "corrupt-memory";

    /// <summary>The targets that can be corrupted.</summary>
    public static IReadOnlyList<string> Targets { get; } = ["descriptor", "avail-index", "data", "event-suppression", "used-index"];

    /// <summary>Reads the entry <paramref name="f"/> (its <c>at</c> and device already read) for <paramref name="device"/>.</summary>
    public static FaultSpec Read(HoconConfig f, TimeSpan at, string path, DeviceSpec device)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(device);
        string target = HoconSettings.At(f, x => x.GetString("target"));
        var corruption = target switch
        {
            "descriptor" => FaultKind.CorruptNextDescriptor,
            "avail-index" => FaultKind.CorruptAvailIndex,
            "data" => FaultKind.CorruptData,
            "event-suppression" => FaultKind.CorruptEventSuppression,
            "used-index" => FaultKind.CorruptUsedIndex,
            _ => throw new HoconException(f.GetValue("target").Position, $"unknown corrupt-memory target '{target}' (known: {string.Join(", ", Targets)})"),
        };
        if (corruption is FaultKind.CorruptAvailIndex or FaultKind.CorruptUsedIndex
            && Vendors.VendorProfiles.NegotiatesPackedRing(device.Profile, device.PackedRing))
        {
            string which = corruption == FaultKind.CorruptAvailIndex ? "available" : "used";
            throw new HoconException(f.GetValue("target").Position, $"{target} needs a split ring; '{path}' negotiates the packed ring (no {which} index)");
        }
        // A net device whose driver reset it for a broken used ring was seen to stall (docs/faults.md, "Not done yet"):
        // until that is understood, used-index corrupts blk devices only.
        if (corruption == FaultKind.CorruptUsedIndex && device.Kind != Devices.DeviceKind.Blk)
            throw new HoconException(f.GetValue("target").Position, $"used-index is supported on blk devices only for now; '{path}' is a {device.Kind.ToString().ToLowerInvariant()} device");
        long queue = f.HasPath("queue") ? HoconSettings.Range(f, "queue", HoconSettings.At(f, x => x.GetLong("queue")), 0, 255) : 0;
        if (f.HasPath("at"))
        {
            foreach (var key in (string[])["from", "until", "probability"])
                if (f.HasPath(key))
                    throw new HoconException(f.GetValue(key).Position, $"a corrupt-memory fault takes at or a window (from, until, probability), not both ('{key}')");
            return new FaultSpec(at, ScheduledFaultKind.CorruptMemory, path, Queue: (ushort)queue, Corruption: corruption);
        }
        if (!f.HasPath("from") && !f.HasPath("until") && !f.HasPath("probability"))
            throw new HoconException(HoconSettings.OwnPosition(f), "a corrupt-memory fault needs at, or a window: from, until, probability");
        var from = f.HasPath("from") ? Settings.NonNegativeDuration(f, "from") : TimeSpan.Zero;
        var until = TimeSpan.MaxValue;
        if (f.HasPath("until"))
        {
            until = Settings.NonNegativeDuration(f, "until");
            if (until <= from)
                throw new HoconException(f.GetValue("until").Position, $"until ({until.TotalMicroseconds} us) must be after from ({from.TotalMicroseconds} us)");
        }
        double probability = 1;
        if (f.HasPath("probability"))
        {
            probability = HoconSettings.At(f, x => x.GetDouble("probability"));
            if (!(probability > 0 && probability <= 1))
                throw new HoconException(f.GetValue("probability").Position,
                    $"probability must be more than 0 and at most 1 (got {probability.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        }
        return new FaultSpec(from, ScheduledFaultKind.CorruptMemory, path, Queue: (ushort)queue, Corruption: corruption, Until: until,
            Probability: probability);
    }
}
