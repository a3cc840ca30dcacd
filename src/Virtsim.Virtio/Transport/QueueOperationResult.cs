namespace Virtsim.Virtio.Transport;

/// <summary>The typed outcome of a queue register operation (enable, reset, size, address writes).</summary>
/// <param name="Succeeded">True when the operation took effect.</param>
/// <param name="Reason">Why it did not; null on success.</param>
public readonly record struct QueueOperationResult(bool Succeeded, string? Reason = null)
{
    /// <summary>Success.</summary>
    public static QueueOperationResult Ok => new(true);

    /// <summary>A refusal with <paramref name="reason"/>.</summary>
    public static QueueOperationResult Refused(string reason) => new(false, reason);
}
