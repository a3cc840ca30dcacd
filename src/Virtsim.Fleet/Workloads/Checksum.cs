namespace Virtsim.Fleet.Workloads;

/// <summary>FNV-1a 64 over bytes: the checksum workloads keep for what they wrote and sent.</summary>
public static class Checksum
{
    /// <summary>The checksum of <paramref name="data"/>.</summary>
    public static ulong Of(ReadOnlySpan<byte> data)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in data) h = (h ^ b) * 1099511628211UL;
        return h;
    }
}
