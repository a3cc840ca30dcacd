using System.Text;
using Virtsim.Fleet.Workloads;

namespace Virtsim.Fleet.Flow;

/// <summary>
/// Which devices a scenario's <c>ring-sample</c> keeps at <see cref="Fidelity.Ring"/>: a device stays when the hash of
/// the seed and its "host/vm/device" path, read as a fraction in [0, 1), is below the share. The choice depends on
/// nothing else, so a device makes the same choice in a fleet of any size.
/// </summary>
public static class RingSample
{
    /// <summary>True when the device at <paramref name="path"/> stays at ring under <paramref name="share"/> (0..1) for <paramref name="seed"/>.</summary>
    public static bool Keeps(int seed, string path, double share)
    {
        ArgumentNullException.ThrowIfNull(path);
        ulong hash = Checksum.Of(Encoding.UTF8.GetBytes($"{seed}/{path}"));
        // FNV-1a's low bits mix poorly for similar strings; fold the high half in before taking 53 bits.
        hash ^= hash >> 29;
        hash *= 0xBF58476D1CE4E5B9UL;
        hash ^= hash >> 32;
        return (hash >> 11) * (1.0 / (1UL << 53)) < share;
    }
}
