using System.Globalization;

namespace Virtsim.Experiments.Swarm;

/// <summary>One fault of a swarm's plan: an entry of a scenario's <c>faults</c> list.</summary>
/// <param name="At">When it fires, from the start of the run (virtual time); a message fault's window starts here.</param>
/// <param name="Kind">The kind, as a scenario spells it (<see cref="FaultKinds"/>).</param>
/// <param name="Target">The device ("host/vm/device"), or the host of a host fault.</param>
/// <param name="Duration">How long a link failure lasts, or a message fault's window (zero otherwise).</param>
/// <param name="Message">A message fault's class, action, probability and delay (null for other kinds).</param>
/// <param name="MemoryTarget">What a <c>corrupt-memory</c> fault corrupts (<see cref="FaultKinds.MemoryTargets"/>; null for other kinds).</param>
public sealed record PlannedFault(TimeSpan At, string Kind, string Target, TimeSpan Duration = default, PlannedMessage? Message = null,
    string? MemoryTarget = null)
{
    /// <summary>The same fault starting at <paramref name="at"/> (a message fault keeps the length of its window).</summary>
    public PlannedFault StartingAt(TimeSpan at) => this with { At = at };

    /// <summary>The entry as HOCON, e.g. <c>{ at = 60us, kind = device-crash, device = "h/vm/blk0" }</c>.</summary>
    public string ToHocon()
    {
        if (Kind == FaultKinds.Message && Message is { } m)
        {
            string delay = m.Action == "delay" ? $", delay = {Micros(m.Delay)}" : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"{{ kind = message, class = {m.Class}, action = {m.Action}, probability = {m.Probability}, from = {Micros(At)}, until = {Micros(At + Duration)}, devices = [\"{Target}\"]{delay} }}");
        }
        string target = FaultKinds.TargetsHost(Kind) ? $"host = \"{Target}\"" : $"device = \"{Target}\"";
        string duration = Kind is FaultKinds.LinkFailure or FaultKinds.IommuUnmap ? $", duration = {Micros(Duration)}" : "";
        string memory = Kind == FaultKinds.CorruptMemory ? $", queue = 0, target = {MemoryTarget}" : "";
        return $"{{ at = {Micros(At)}, kind = {Kind}, {target}{duration}{memory} }}";
    }

    // Whole microseconds: exact in HOCON and what the plan drawer produces.
    private static string Micros(TimeSpan t) => string.Create(CultureInfo.InvariantCulture, $"{t.Ticks / 10}us");
}

/// <summary>What a planned message fault does (<see cref="PlannedFault.Message"/>).</summary>
/// <param name="Class">The message class (<see cref="FaultKinds.MessageClasses"/>).</param>
/// <param name="Action">The action (<see cref="FaultKinds.MessageActions"/>).</param>
/// <param name="Probability">The chance that a message of the class is taken, in the window.</param>
/// <param name="Delay">A <c>delay</c> action's fixed delay (zero otherwise).</param>
public sealed record PlannedMessage(string Class, string Action, double Probability, TimeSpan Delay = default);
