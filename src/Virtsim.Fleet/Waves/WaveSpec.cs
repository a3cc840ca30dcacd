using Virtsim.Fleet.World;

namespace Virtsim.Fleet.Waves;

/// <summary>
/// One migration wave of a scenario (<c>waves = [ { kind = evacuate, hosts = "h00001..h02000", at = 1ms, ... } ]</c>)
/// with the moves its planner chose (<see cref="WavePlanner"/>): each move is a <see cref="MigrationSpec"/> the
/// migration coordinator starts when the wave's <see cref="WaveGate"/> releases it.
/// </summary>
public sealed record WaveSpec
{
    /// <summary>The wave's place in <c>waves</c> (from 0).</summary>
    public int Index { get; init; }

    /// <summary>What it does.</summary>
    public WaveKind Kind { get; init; }

    /// <summary>Its hosts as written (<c>"h00001..h02000"</c>, <c>"10%"</c>).</summary>
    public string Hosts { get; init; } = "";

    /// <summary>When it opens (virtual time from the start of the run).</summary>
    public TimeSpan At { get; init; }

    /// <summary>Migrations at once per host, per rack, in the wave.</summary>
    public WaveLimits Limits { get; init; } = new(2, 8, 500);

    /// <summary>The planner's moves and the VMs it could not place.</summary>
    public WavePlan Plan { get; init; } = new([], []);

    /// <summary>One migration per move of <see cref="Plan"/>, in the same order.</summary>
    public IReadOnlyList<MigrationSpec> Migrations { get; init; } = [];

    /// <summary>The kind's scenario name.</summary>
    public string KindName => Kind switch
    {
        WaveKind.Evacuate => "evacuate",
        WaveKind.Rebalance => "rebalance",
        _ => "rolling-upgrade",
    };
}
