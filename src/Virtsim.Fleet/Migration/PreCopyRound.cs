namespace Virtsim.Fleet.Migration;

/// <summary>One live round of a pre-copy run.</summary>
/// <param name="Index">0 for the full copy, then 1, 2, ...</param>
/// <param name="PagesSent">Pages the round sent (all memory in round 0, then the previous round's dirty pages).</param>
/// <param name="Duration">pages x 4 KiB / bandwidth.</param>
/// <param name="ThrottlePercent">The auto-converge throttle while the round ran.</param>
/// <param name="PagesDirtied">Distinct pages found dirty at the sync ending the round (what the next round or the stop sends).</param>
public readonly record struct PreCopyRound(int Index, double PagesSent, TimeSpan Duration, int ThrottlePercent, double PagesDirtied);
