namespace Virtsim.Experiments.Conformance;

/// <summary>Every case of the suite, in report order.</summary>
public static class ConformanceCatalogue
{
    /// <summary>The cases: split ring, packed ring, initialization, device types (driver side), then device side.</summary>
    public static IReadOnlyList<ConformanceCase> All { get; } =
    [
        .. SplitRingCases.All(), .. PackedRingCases.All(), .. ProtocolCases.All(), .. DeviceTypeCases.All(), .. DeviceCases.All(),
    ];
}
