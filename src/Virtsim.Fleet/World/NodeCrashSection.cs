using Virtsim.Fleet.Configuration;
using Virtsim.Hocon;

namespace Virtsim.Fleet.World;

/// <summary>
/// Reads a <c>{ kind = node-crash, role = devices | backends, at = 2s }</c> fault: the node of that role of a
/// <c>virtsim run --local-nodes N</c> run is killed with SIGKILL <c>at</c> after the world started, and the world's
/// node rebuilds the placed actors it ran (docs/cluster.md, "Failover of placed actors"). A run without nodes refuses
/// it (<see cref="NodeCrashSpec.Position"/>).
/// </summary>
public static class NodeCrashSection
{
    /// <summary>The fault's <c>kind</c>.</summary>
    public const string Kind = "node-crash";

    /// <summary>The roles whose node can be killed (the world's own node, <c>hosts</c>, cannot: the run is there).</summary>
    public static IReadOnlyList<string> Roles { get; } = ["devices", "backends"];

    /// <summary>Reads the entry <paramref name="f"/> (its <c>at</c> already read).</summary>
    public static NodeCrashSpec Read(HoconConfig f, TimeSpan at)
    {
        ArgumentNullException.ThrowIfNull(f);
        string role = HoconSettings.At(f, x => x.GetString("role"));
        if (!Roles.Contains(role))
            throw new HoconException(f.GetValue("role").Position,
                $"node-crash role '{role}' is not one whose node can be killed (known: {string.Join(", ", Roles)}; the hosts node runs the world)");
        return new NodeCrashSpec(at, role, f.GetValue("kind").Position.ToString());
    }
}

/// <summary>A node of a role killed (SIGKILL) during a run on nodes.</summary>
/// <param name="At">When, from the start of the world (wall time: runs on nodes are real-time).</param>
/// <param name="Role">The node role: <c>devices</c> or <c>backends</c>.</param>
/// <param name="Position">Where the fault is written (<c>file:line:col</c>), for the error of a run without nodes.</param>
public sealed record NodeCrashSpec(TimeSpan At, string Role, string Position);
