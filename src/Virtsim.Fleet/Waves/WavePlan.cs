namespace Virtsim.Fleet.Waves;

/// <summary>One VM a wave moves: from host index <paramref name="From"/> to <paramref name="To"/> (world order), in batch <paramref name="Stage"/>.</summary>
/// <param name="Vm">The VM's name on its original host.</param>
/// <param name="From">The source host's index.</param>
/// <param name="To">The destination host's index.</param>
/// <param name="Stage">The batch (0 unless a rolling upgrade): a stage starts once every move of the one before it ended.</param>
public sealed record WaveMove(string Vm, int From, int To, int Stage);

/// <summary>A VM a wave should move but cannot, and why.</summary>
/// <param name="Vm">The VM's name on its original host.</param>
/// <param name="From">Its original host (the VM is "original host/name" everywhere in a run).</param>
/// <param name="Reason">Why it is not moved.</param>
/// <param name="Host">The host it stays on (its original host unless an earlier wave moved it).</param>
public sealed record WaveUnplaced(string Vm, int From, string Reason, int Host);

/// <summary>What the planner chose for one wave.</summary>
/// <param name="Moves">The moves, in the order they should start.</param>
/// <param name="Unplaced">The VMs that stay, with the reason.</param>
public sealed record WavePlan(IReadOnlyList<WaveMove> Moves, IReadOnlyList<WaveUnplaced> Unplaced);
