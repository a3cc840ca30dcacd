using Akka.Actor;

namespace Virtsim.Fleet.Hosts;

/// <summary>
/// Tells a host that the blk backend of its device <paramref name="Device"/>, placed on another node, was rebuilt on a
/// survivor after that node was lost: the host passes the new ref to the device's endpoint
/// (<see cref="Messages.Backend.SwitchBackend"/>). Local to the world's node.
/// </summary>
/// <param name="Device">The device's "host/vm/device".</param>
/// <param name="Backend">The rebuilt backend.</param>
public sealed record PlacedBackendRebuilt(string Device, IActorRef Backend);
