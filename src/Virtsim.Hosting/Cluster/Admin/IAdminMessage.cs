namespace Virtsim.Hosting.Cluster.Admin;

/// <summary>
/// The marker of the messages (and probe events) of the node's own control actors: status, leave, the diagnostic
/// probe and remote runs. Bound to <see cref="AdminSerializer"/>; never on the world's data path.
/// </summary>
public interface IAdminMessage;
