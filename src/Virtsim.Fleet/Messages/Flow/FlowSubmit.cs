namespace Virtsim.Fleet.Messages.Flow;

/// <summary>
/// Driver -> device at <see cref="Fleet.Flow.Fidelity.Flow"/>: requests made available on one queue at once (one
/// doorbell). Local to a node (the driver and its device run in one process), so it has no wire form.
/// </summary>
/// <param name="Queue">The queue index.</param>
/// <param name="Requests">The requests, in the driver's order.</param>
public sealed record FlowSubmit(int Queue, IReadOnlyList<FlowRequest> Requests);

/// <summary>One request of a <see cref="FlowSubmit"/>.</summary>
/// <param name="Id">The driver's id, echoed in the completion.</param>
/// <param name="Buffer">The guest address of its data buffer (blk reads and received frames are DMA-written there).</param>
/// <param name="Blk">blk: the request.</param>
/// <param name="Frame">net transmit: the frame; null for a receive buffer posted.</param>
/// <param name="Length">net receive: the posted buffer's length in bytes.</param>
public sealed record FlowRequest(ulong Id, ulong Buffer, Blk.BlkRequest? Blk = null, byte[]? Frame = null, uint Length = 0);

/// <summary>Device -> driver: the requests of one queue that completed in one batch window (one interrupt).</summary>
/// <param name="Queue">The queue index.</param>
/// <param name="Completions">The completions, in completion order.</param>
public sealed record FlowCompleted(int Queue, IReadOnlyList<FlowCompletion> Completions);

/// <summary>One completion of a <see cref="FlowCompleted"/>.</summary>
/// <param name="Id">The request's id.</param>
/// <param name="Status">blk: the status byte (VIRTIO_BLK_S_*).</param>
/// <param name="Data">blk read: the data; net receive: the frame.</param>
public sealed record FlowCompletion(ulong Id, byte Status, byte[] Data);
