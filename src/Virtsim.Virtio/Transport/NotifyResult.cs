namespace Virtsim.Virtio.Transport;

/// <summary>The typed outcome of a doorbell.</summary>
/// <param name="Outcome">Processed, ignored or failed.</param>
/// <param name="QueueIndex">The queue the doorbell addressed (-1 when it could not be resolved).</param>
/// <param name="Completed">Chains the device completed.</param>
/// <param name="Interrupted">True when a queue interrupt was raised.</param>
/// <param name="Reason">Why the doorbell was ignored or failed; null when processed.</param>
public readonly record struct NotifyResult(NotifyOutcome Outcome, int QueueIndex, int Completed = 0, bool Interrupted = false, string? Reason = null);
