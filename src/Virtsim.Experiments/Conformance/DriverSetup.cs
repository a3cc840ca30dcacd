namespace Virtsim.Experiments.Conformance;

/// <summary>What a hostile driver negotiates before a case's violation.</summary>
internal sealed record DriverSetup
{
    /// <summary>The usual setup: VERSION_1, INDIRECT_DESC when offered, RING_PACKED for packed cases; no EVENT_IDX or IN_ORDER.</summary>
    public static DriverSetup Default { get; } = new();

    /// <summary>Ask for VIRTIO_F_INDIRECT_DESC (a case that uses indirect tables without it turns this off).</summary>
    public bool Indirect { get; init; } = true;

    /// <summary>The case needs VIRTIO_F_INDIRECT_DESC: a device that does not offer it makes the case not applicable.</summary>
    public bool RequiresIndirect { get; init; }
}
