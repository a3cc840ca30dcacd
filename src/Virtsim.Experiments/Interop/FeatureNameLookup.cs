using Virtsim.Fleet.Vendors;
using Virtsim.Virtio.Features;

namespace Virtsim.Experiments.Interop;

/// <summary>
/// Feature names of matrix files: the device-independent ones (<see cref="FeatureNameParser"/>: VERSION_1,
/// VIRTIO_F_EVENT_IDX, event-idx, BIT_n) and the blk and net ones (FLUSH, MRG_RXBUF, VIRTIO_NET_F_CTRL_VQ, ...).
/// </summary>
public static class FeatureNameLookup
{
    private static readonly Dictionary<string, int> TypeBits = Build();

    private static Dictionary<string, int> Build()
    {
        var table = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var type in new[] { DeviceType.Block, DeviceType.Net })
            for (int bit = 0; bit < 128; bit++)
            {
                string name = FeatureNames.NameOf(bit, type);
                if (!name.StartsWith("BIT_", StringComparison.Ordinal)) table.TryAdd(name, bit);
            }
        return table;
    }

    /// <summary>Every name accepted (without prefixes).</summary>
    public static IEnumerable<string> Names => FeatureNameParser.KnownNames.Concat(TypeBits.Keys).Distinct();

    /// <summary>The bit called <paramref name="name"/>, or null.</summary>
    public static int? TryParse(string name)
    {
        if (FeatureNameParser.TryParse(name, out int bit)) return bit;
        string key = name.Trim().Replace('-', '_').ToUpperInvariant();
        foreach (var prefix in new[] { "VIRTIO_BLK_F_", "VIRTIO_NET_F_" })
            if (key.StartsWith(prefix, StringComparison.Ordinal)) key = key[prefix.Length..];
        return TypeBits.TryGetValue(key, out bit) ? bit : null;
    }
}
