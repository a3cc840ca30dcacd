using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.Vendors;

/// <summary>
/// Turns device-independent feature names (the names of <see cref="FeatureNames"/>) back into bits, for vendor
/// profiles written in HOCON. Accepted spellings: <c>NOTIFICATION_DATA</c>, <c>VIRTIO_F_NOTIFICATION_DATA</c>,
/// <c>notification-data</c> (case-insensitive, '-' for '_'), and <c>BIT_n</c> for any bit 0..127.
/// </summary>
public static class FeatureNameParser
{
    private static readonly Dictionary<string, int> Bits = Build();

    private static Dictionary<string, int> Build()
    {
        var table = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int bit = 0; bit < 128; bit++)
        {
            string name = FeatureNames.NameOf(bit);
            if (!name.StartsWith("BIT_", StringComparison.Ordinal)) table[name] = bit;
        }
        return table;
    }

    /// <summary>Every named device-independent feature.</summary>
    public static IEnumerable<string> KnownNames => Bits.Keys;

    /// <summary>The bit called <paramref name="name"/>, or false when the name is unknown.</summary>
    public static bool TryParse(string name, out int bit)
    {
        string key = name.Trim().Replace('-', '_').ToUpperInvariant();
        if (key.StartsWith("VIRTIO_F_", StringComparison.Ordinal)) key = key["VIRTIO_F_".Length..];
        if (Bits.TryGetValue(key, out bit)) return true;
        return key.StartsWith("BIT_", StringComparison.Ordinal)
            && int.TryParse(key.AsSpan(4), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out bit)
            && bit < 128;
    }
}
