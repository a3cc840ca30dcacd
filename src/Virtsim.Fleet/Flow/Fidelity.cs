namespace Virtsim.Fleet.Flow;

/// <summary>How closely a device's I/O is simulated (scenario key <c>fidelity</c>).</summary>
public enum Fidelity : byte
{
    /// <summary>Every request goes through the virtqueue rings in guest memory (descriptors, available and used rings).</summary>
    Ring,

    /// <summary>
    /// Requests are rates and queues over virtual time: the driver hands the device batches of requests as messages,
    /// the device serves them with its vendor's service time (<see cref="FlowQueue{T}"/>) and answers with batched
    /// completions; no ring lives in guest memory. The device keeps its real state machine and queue state.
    /// </summary>
    Flow,
}
