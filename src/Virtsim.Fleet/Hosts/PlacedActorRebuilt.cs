using Akka.Actor;

namespace Virtsim.Fleet.Hosts;

/// <summary>
/// Tells a host (on the node running the world) that the placed device <paramref name="Device"/> was rebuilt on another
/// node after the node it ran on was lost: the host makes <paramref name="Endpoint"/> the VM's device (its driver and,
/// for a cabled net device, its backend use it from now on) and calls <paramref name="Served"/> once the rebuilt
/// device moved request data for the first time (a DMA batch with data reads or writes). Local to the world's node.
/// </summary>
/// <param name="Device">The device's "host/vm/device".</param>
/// <param name="Endpoint">The rebuilt device's endpoint.</param>
/// <param name="Served">Called (on the host's thread) when the rebuilt device first served a request, or null.</param>
public sealed record PlacedActorRebuilt(string Device, IActorRef Endpoint, Action? Served);
