namespace Virtsim.Fleet.World;

/// <summary>One named invariant of a run and whether it held, with the reason (docs/faults.md, "Invariants").</summary>
/// <param name="Name">The invariant's name, e.g. <c>no-acked-write-lost</c>.</param>
/// <param name="Held">True when it held.</param>
/// <param name="Reason">Why it held or broke, in a sentence with the figures.</param>
public sealed record RunInvariant(string Name, bool Held, string Reason);
