namespace Virtsim.Fleet.Waves;

/// <summary>Which host with room a wave's VM goes to (scenario key <c>vm-placement.strategy</c>), the same rack first.</summary>
public enum PlacementStrategy : byte
{
    /// <summary><c>spread</c>: the least loaded host (ties: the first in world order).</summary>
    Spread,
    /// <summary><c>pack</c>: the fullest host that still has room (ties: the first in world order).</summary>
    Pack,
}
