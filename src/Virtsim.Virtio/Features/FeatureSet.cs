using System.Numerics;

namespace Virtsim.Virtio.Features;

/// <summary>
/// A set of up to 128 virtio feature bits (spec §2.2). Bits 0-63 live in <see cref="Low"/>,
/// bits 64-127 in <see cref="High"/>. Transports expose the set in four 32-bit windows.
/// </summary>
public readonly record struct FeatureSet(ulong Low, ulong High)
{
    /// <summary>Number of feature bits a set can hold.</summary>
    public const int BitCount = 128;

    /// <summary>Number of 32-bit select windows (device_feature_select / DeviceFeaturesSel values 0-3).</summary>
    public const int WindowCount = BitCount / 32;

    /// <summary>The empty set.</summary>
    public static FeatureSet None => default;

    /// <summary>A set holding exactly the given bits.</summary>
    public static FeatureSet Of(params ReadOnlySpan<int> bits)
    {
        var set = None;
        foreach (var bit in bits) set = set.With(bit);
        return set;
    }

    /// <summary>True when <paramref name="bit"/> is set.</summary>
    public bool Has(int bit)
    {
        CheckBit(bit);
        return bit < 64 ? (Low & (1UL << bit)) != 0 : (High & (1UL << (bit - 64))) != 0;
    }

    /// <summary>This set with <paramref name="bit"/> added.</summary>
    public FeatureSet With(int bit)
    {
        CheckBit(bit);
        return bit < 64 ? this with { Low = Low | (1UL << bit) } : this with { High = High | (1UL << (bit - 64)) };
    }

    /// <summary>This set with <paramref name="bit"/> removed.</summary>
    public FeatureSet Without(int bit)
    {
        CheckBit(bit);
        return bit < 64 ? this with { Low = Low & ~(1UL << bit) } : this with { High = High & ~(1UL << (bit - 64)) };
    }

    /// <summary>True when no bit is set.</summary>
    public bool IsEmpty => Low == 0 && High == 0;

    /// <summary>Number of bits set.</summary>
    public int Count => BitOperations.PopCount(Low) + BitOperations.PopCount(High);

    /// <summary>True when every bit of this set is also in <paramref name="other"/>.</summary>
    public bool IsSubsetOf(FeatureSet other) => (Low & ~other.Low) == 0 && (High & ~other.High) == 0;

    /// <summary>The bits of this set that are not in <paramref name="other"/>.</summary>
    public FeatureSet Except(FeatureSet other) => new(Low & ~other.Low, High & ~other.High);

    /// <summary>Union of two sets.</summary>
    public static FeatureSet operator |(FeatureSet a, FeatureSet b) => new(a.Low | b.Low, a.High | b.High);

    /// <summary>Intersection of two sets.</summary>
    public static FeatureSet operator &(FeatureSet a, FeatureSet b) => new(a.Low & b.Low, a.High & b.High);

    /// <summary>The 32-bit window <paramref name="select"/> (0-3) as a transport exposes it.</summary>
    /// <remarks>Windows beyond the set read as zero, as the spec requires for unknown select values.</remarks>
    public uint GetWindow(uint select) => select switch
    {
        0 => (uint)Low,
        1 => (uint)(Low >> 32),
        2 => (uint)High,
        3 => (uint)(High >> 32),
        _ => 0,
    };

    /// <summary>This set with window <paramref name="select"/> replaced by <paramref name="value"/>.</summary>
    /// <remarks>Writes to windows beyond the set are ignored.</remarks>
    public FeatureSet WithWindow(uint select, uint value) => select switch
    {
        0 => this with { Low = (Low & 0xFFFF_FFFF_0000_0000UL) | value },
        1 => this with { Low = (Low & 0x0000_0000_FFFF_FFFFUL) | ((ulong)value << 32) },
        2 => this with { High = (High & 0xFFFF_FFFF_0000_0000UL) | value },
        3 => this with { High = (High & 0x0000_0000_FFFF_FFFFUL) | ((ulong)value << 32) },
        _ => this,
    };

    /// <summary>Enumerates the set bits in ascending order.</summary>
    public IEnumerable<int> Bits()
    {
        for (int bit = 0; bit < BitCount; bit++)
            if (Has(bit)) yield return bit;
    }

    /// <summary>The set as hexadecimal (high:low).</summary>
    public override string ToString() => High == 0 ? $"0x{Low:x}" : $"0x{High:x}:{Low:x16}";

    private static void CheckBit(int bit)
    {
        if ((uint)bit >= BitCount)
            throw new ArgumentOutOfRangeException(nameof(bit), bit, "virtio feature bits are numbered 0-127");
    }
}
