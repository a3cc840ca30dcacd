namespace Virtsim.Fleet.Migration;

/// <summary>
/// The names scenarios and reports use for <see cref="MigrationMode"/> and <see cref="MigrationOutcome"/>
/// (<c>pre-copy</c>, <c>rolled-back</c>, ...), in one place so the loader and the JSON agree.
/// </summary>
public static class MigrationNames
{
    /// <summary>The scenario/report name of a mode: <c>pre-copy</c>, <c>post-copy</c>, <c>hybrid</c> or <c>device-switch</c> (not a scenario mode: a <c>device-switches</c> entry).</summary>
    public static string Of(MigrationMode mode) => mode switch
    {
        MigrationMode.PreCopy => "pre-copy",
        MigrationMode.PostCopy => "post-copy",
        MigrationMode.Hybrid => "hybrid",
        MigrationMode.DeviceSwitch => "device-switch",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown migration mode"),
    };

    /// <summary>The report name of an outcome: <c>completed</c>, <c>failed</c>, <c>refused</c>, <c>rolled-back</c> or <c>vm-lost</c>.</summary>
    public static string Of(MigrationOutcome outcome) => outcome switch
    {
        MigrationOutcome.Completed => "completed",
        MigrationOutcome.Failed => "failed",
        MigrationOutcome.Refused => "refused",
        MigrationOutcome.RolledBack => "rolled-back",
        MigrationOutcome.VmLost => "vm-lost",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "unknown migration outcome"),
    };

    /// <summary>Every mode name, for error messages.</summary>
    public static IReadOnlyList<string> ModeNames { get; } = ["pre-copy", "post-copy", "hybrid"];

    /// <summary>Reads a mode name (exact, lower case); false for anything else.</summary>
    public static bool TryParseMode(string? name, out MigrationMode mode)
    {
        switch (name)
        {
            case "pre-copy": mode = MigrationMode.PreCopy; return true;
            case "post-copy": mode = MigrationMode.PostCopy; return true;
            case "hybrid": mode = MigrationMode.Hybrid; return true;
            default: mode = default; return false;
        }
    }
}
