namespace Virtsim.Hosting.Cluster.Admin;

/// <summary>
/// Asks a node to run a scenario in its own actor system (the world on that node; devices and backends the scenario
/// places go to members of their roles) and to report to the sender: <see cref="RunUpdate"/> now and then, then <see cref="RunFinished"/>.
/// </summary>
/// <param name="ScenarioJson">The scenario, already loaded and checked by the client, as resolved JSON.</param>
/// <param name="Source">Where the scenario came from (for messages).</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="PersistencePrefix">The persistence id prefix when the scenario persists, else null.</param>
/// <param name="SnapshotEvery">Snapshot policy of the world's persistent actors.</param>
/// <param name="DeleteAfterSnapshot">Delete what a snapshot covers.</param>
public sealed record RunScenario(string ScenarioJson, string Source, int Seed, string? PersistencePrefix, int SnapshotEvery, bool DeleteAfterSnapshot) : IAdminMessage;

/// <summary>Progress of a remote run (as <c>Virtsim.Fleet.World.RunProgress</c>).</summary>
/// <param name="WorkloadsDone">Workloads finished.</param>
/// <param name="Workloads">Workloads in all.</param>
/// <param name="Requests">Requests completed.</param>
/// <param name="ElapsedTicks">Wall time since the start, in ticks.</param>
public sealed record RunUpdate(int WorkloadsDone, int Workloads, long Requests, long ElapsedTicks) : IAdminMessage;

/// <summary>The end of a remote run: the report as JSON (<see cref="RunReportJson"/>), or why the run could not happen.</summary>
/// <param name="Node">The address of the node that ran it.</param>
/// <param name="ReportJson">The report, or null when the run did not happen.</param>
/// <param name="Error">Why the run did not happen, or null.</param>
public sealed record RunFinished(string Node, string? ReportJson, string? Error) : IAdminMessage;

/// <summary>Stops the remote run of the sender (its report follows as usual).</summary>
public sealed record CancelRun : IAdminMessage;

/// <summary>
/// The client killed a node during the sender's run (a <c>node-crash</c> fault of <c>virtsim run --local-nodes</c>): the
/// failover times of the placed actors rebuilt after it count from <paramref name="KilledAtUnixMs"/>.
/// </summary>
/// <param name="Role">The role of the node killed.</param>
/// <param name="Node">The node's name (<c>node-2</c>).</param>
/// <param name="KilledAtUnixMs">When the SIGKILL was sent, in milliseconds since the Unix epoch (the machine's clock).</param>
public sealed record NodeKilled(string Role, string Node, long KilledAtUnixMs) : IAdminMessage;
