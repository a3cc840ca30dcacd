namespace Virtsim.VhostUser.Backend;

/// <summary>Why a session's serve loop returned.</summary>
/// <param name="Kind">The kind of ending.</param>
/// <param name="Reason">A readable reason (empty for a clean close).</param>
public readonly record struct SessionEnd(SessionEndKind Kind, string Reason);
