namespace Virtsim.VhostUser.Frontend;

/// <summary>The SplitMix64 finaliser: a cheap, well-mixed 64-bit hash for deterministic test patterns.</summary>
internal static class SplitMix
{
    /// <summary>Mixes <paramref name="x"/> into a 64-bit value.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
