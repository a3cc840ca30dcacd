using Virtsim.Hosting.Cluster.Admin;

namespace Virtsim.Hosting.Cluster.Probe;

/// <summary>A message for one diagnostic probe entity.</summary>
public interface IProbeMessage : IAdminMessage
{
    /// <summary>The entity id.</summary>
    string EntityId { get; }
}

/// <summary>Adds <paramref name="Amount"/> to the probe's counter (journaled before the reply); answered by <see cref="ProbeValue"/>.</summary>
/// <param name="EntityId">The entity.</param>
/// <param name="Amount">What to add.</param>
public sealed record ProbeAdd(string EntityId, long Amount) : IProbeMessage;

/// <summary>Reads the probe's counter; answered by <see cref="ProbeValue"/>.</summary>
/// <param name="EntityId">The entity.</param>
public sealed record ProbeGet(string EntityId) : IProbeMessage;

/// <summary>The probe's counter and where the entity runs.</summary>
/// <param name="EntityId">The entity.</param>
/// <param name="Value">The counter (sum of every confirmed add).</param>
/// <param name="Adds">How many adds it has confirmed.</param>
/// <param name="Node">The Akka address of the node hosting it now.</param>
public sealed record ProbeValue(string EntityId, long Value, long Adds, string Node) : IAdminMessage;

/// <summary>The probe's journaled event.</summary>
/// <param name="Amount">What was added.</param>
public sealed record ProbeAdded(long Amount) : IAdminMessage;
