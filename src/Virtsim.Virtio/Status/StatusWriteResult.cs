namespace Virtsim.Virtio.Status;

/// <summary>The typed outcome of a status write: what happened, the status now, and why when refused.</summary>
/// <param name="Kind">What the write did.</param>
/// <param name="Status">The device status after the write.</param>
/// <param name="Reason">Why the write was illegal or FEATURES_OK refused; null otherwise.</param>
public readonly record struct StatusWriteResult(StatusWriteKind Kind, DeviceStatus Status, string? Reason = null)
{
    /// <summary>True when the write was ignored as illegal.</summary>
    public bool IsIllegal => Kind == StatusWriteKind.Illegal;

    /// <inheritdoc />
    public override string ToString() => Reason == null ? $"{Kind} -> {Status.Describe()}" : $"{Kind} -> {Status.Describe()}: {Reason}";
}
