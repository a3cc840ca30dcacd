using Akka.Actor;
using Virtsim.Fleet.Hosts;
using Virtsim.Fleet.Messages.Migration;
using Virtsim.Virtio.Features;

namespace Virtsim.Fleet.World;

/// <summary>
/// A device arriving at a host by migration whose role the scenario's placement gives to another node: what that node
/// needs to build the device's incoming incarnation there (it recovers the migration snapshot from the shared journal
/// and reaches the destination host's guest memory by DMA messages).
/// </summary>
/// <param name="Plan">The device at the destination (its path, hence its journal, is the source's).</param>
/// <param name="Vm">The VM as the destination host runs it (its IOMMU domain there).</param>
/// <param name="Host">The destination host: DMA, interrupts and the device's other host messages go to it.</param>
/// <param name="Name">The name the host would have given the device's endpoint (its net backend is named after it).</param>
/// <param name="Migration">The migration the device arrives by.</param>
/// <param name="Offer">The features the device offers at the destination (the source's, or the pool's), or null: its own.</param>
public sealed record IncomingPlacedDevice(DevicePlan Plan, VmPlan Vm, IActorRef Host, string Name, IncomingMigration Migration, FeatureSet? Offer);
