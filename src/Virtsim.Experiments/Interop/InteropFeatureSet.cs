using Virtsim.Virtio.Features;

namespace Virtsim.Experiments.Interop;

/// <summary>How a matrix feature set chooses what the driver accepts.</summary>
public enum FeatureSetKind
{
    /// <summary>VERSION_1 only (and RING_PACKED in packed cells).</summary>
    Minimal,
    /// <summary>What the driver asks for by default (see docs/interop.md).</summary>
    Default,
    /// <summary>Everything the device offers (still less what the driver's quirk table masks).</summary>
    AllOffered,
    /// <summary>The bits listed (those the device offers; RING_PACKED added in packed cells).</summary>
    Explicit,
}

/// <summary>A named feature set of the matrix.</summary>
/// <param name="Name">The name in reports.</param>
/// <param name="Kind">How it chooses.</param>
/// <param name="Bits">The listed bits (for <see cref="FeatureSetKind.Explicit"/>).</param>
public sealed record InteropFeatureSet(string Name, FeatureSetKind Kind, FeatureSet Bits)
{
    /// <summary>The built-in sets: minimal, default, all-offered.</summary>
    public static IReadOnlyList<InteropFeatureSet> BuiltIn { get; } =
    [
        new("minimal", FeatureSetKind.Minimal, FeatureSet.None),
        new("default", FeatureSetKind.Default, FeatureSet.None),
        new("all-offered", FeatureSetKind.AllOffered, FeatureSet.None),
    ];

    /// <summary>True when <paramref name="bit"/> is asked for: listed, or any bit for all-offered.</summary>
    public bool Asks(int bit) => Kind switch
    {
        FeatureSetKind.AllOffered => true,
        FeatureSetKind.Explicit => Bits.Has(bit),
        _ => false,
    };
}
