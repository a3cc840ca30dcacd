using System.Globalization;

namespace Virtsim.Experiments.Swarm;

/// <summary>One fault of a swarm's plan: an entry of a scenario's <c>faults</c> list.</summary>
/// <param name="At">When it fires, from the start of the run (virtual time).</param>
/// <param name="Kind">The kind, as a scenario spells it (<see cref="FaultKinds"/>).</param>
/// <param name="Target">The device ("host/vm/device"), or the host of a host fault.</param>
/// <param name="Duration">How long a link failure lasts (zero otherwise).</param>
public sealed record PlannedFault(TimeSpan At, string Kind, string Target, TimeSpan Duration = default)
{
    /// <summary>The entry as HOCON, e.g. <c>{ at = 60us, kind = device-crash, device = "h/vm/blk0" }</c>.</summary>
    public string ToHocon()
    {
        string target = FaultKinds.TargetsHost(Kind) ? $"host = \"{Target}\"" : $"device = \"{Target}\"";
        string duration = Kind == FaultKinds.LinkFailure ? $", duration = {Micros(Duration)}" : "";
        return $"{{ at = {Micros(At)}, kind = {Kind}, {target}{duration} }}";
    }

    // Whole microseconds: exact in HOCON and what the plan drawer produces.
    private static string Micros(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.Ticks / 10}us");
}
