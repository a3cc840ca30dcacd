namespace Virtsim.Fleet.Waves;

/// <summary>What a migration wave does (scenario key <c>kind</c> of a <c>waves</c> entry).</summary>
public enum WaveKind : byte
{
    /// <summary><c>evacuate</c>: every VM leaves the wave's hosts (maintenance).</summary>
    Evacuate,
    /// <summary><c>rebalance</c>: VMs move from hosts above the average load of the wave's hosts to hosts below it.</summary>
    Rebalance,
    /// <summary><c>rolling-upgrade</c>: the wave's hosts are evacuated in batches, each batch once the one before it ended.</summary>
    RollingUpgrade,
}
