namespace Virtsim.Fleet.Messages.Migration;

/// <summary>To the migration coordinator: move <paramref name="Bytes"/> from host <paramref name="From"/> to <paramref name="To"/>, at most <paramref name="Cap"/> bytes per second.</summary>
/// <param name="Id">The transfer (unique in the run).</param>
/// <param name="Bytes">Bytes to move.</param>
/// <param name="Cap">The migration's bandwidth cap.</param>
/// <param name="From">Source host.</param>
/// <param name="To">Destination host.</param>
public sealed record StartTransfer(long Id, double Bytes, double Cap, string From, string To);

/// <summary>To the coordinator: stop transfer <paramref name="Id"/>.</summary>
/// <param name="Id">The transfer.</param>
public sealed record CancelTransfer(long Id);

/// <summary>From the coordinator: transfer <paramref name="Id"/> has moved its bytes.</summary>
/// <param name="Id">The transfer.</param>
public sealed record TransferDone(long Id);

/// <summary>From the coordinator: transfer <paramref name="Id"/> moves at <paramref name="Rate"/> bytes per second from now, having moved <paramref name="Sent"/>.</summary>
/// <param name="Id">The transfer.</param>
/// <param name="Rate">Its share now.</param>
/// <param name="Sent">Bytes moved so far.</param>
public sealed record TransferRate(long Id, double Rate, double Sent);

/// <summary>From the coordinator to the migrations: host <paramref name="Host"/> crashed (<paramref name="Crashed"/>) or its link failed.</summary>
/// <param name="Host">The host.</param>
/// <param name="Crashed">True for a crash, false for a link failure.</param>
public sealed record HostFailed(string Host, bool Crashed);

/// <summary>From a migration to the coordinator: it ended; <paramref name="Location"/> is the host the VM runs on now, or null when it was lost.</summary>
/// <param name="Result">What the migration did.</param>
/// <param name="VmPath">The VM's original "host/vm".</param>
/// <param name="Location">Where it runs now, or null.</param>
public sealed record MigrationFinished(Fleet.Migration.MigrationResult Result, string VmPath, string? Location);

/// <summary>To the coordinator: the destination's refusals armed for these devices ("host/vm/device"), taken once.</summary>
/// <param name="Devices">The migrating VM's devices.</param>
public sealed record ClaimRefusals(IReadOnlyList<string> Devices);

/// <summary>The coordinator's answer to <see cref="ClaimRefusals"/>: device name to reason.</summary>
/// <param name="Devices">The armed refusals by device name.</param>
public sealed record Refusals(IReadOnlyDictionary<string, string> Devices);
