using Virtsim.Fleet.Configuration;
using Virtsim.Fleet.Messages.Faults;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// Reads a <c>{ kind = corrupt-memory, at = 2ms, device = "h/vm/dev", queue = 0, target = descriptor | avail-index }</c>
/// fault: the device's ring in its VM's guest memory is corrupted when the device next serves that queue after
/// <c>at</c> (docs/faults.md).
/// </summary>
public static class CorruptMemorySection
{
    /// <summary>The fault's <c>kind</c>.</summary>
    public const string Kind = "corrupt-memory";

    /// <summary>The targets that can be corrupted.</summary>
    public static IReadOnlyList<string> Targets { get; } = ["descriptor", "avail-index"];

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
            "used-index" or "event-suppression" or "data" => throw new HoconException(f.GetValue("target").Position,
                $"corrupt-memory target {target} is not supported yet (supported: {string.Join(", ", Targets)})"),
            _ => throw new HoconException(f.GetValue("target").Position, $"unknown corrupt-memory target '{target}' (known: {string.Join(", ", Targets)})"),
        };
        if (corruption == FaultKind.CorruptAvailIndex && Vendors.VendorProfiles.NegotiatesPackedRing(device.Profile, device.PackedRing))
            throw new HoconException(f.GetValue("target").Position, $"avail-index needs a split ring; '{path}' negotiates the packed ring (no available index)");
        long queue = f.HasPath("queue") ? HoconSettings.Range(f, "queue", HoconSettings.At(f, x => x.GetLong("queue")), 0, 255) : 0;
        return new FaultSpec(at, ScheduledFaultKind.CorruptMemory, path, Queue: (ushort)queue, Corruption: corruption);
    }
}
