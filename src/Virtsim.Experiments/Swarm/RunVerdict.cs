using System.Text.Json;

namespace Virtsim.Experiments.Swarm;

/// <summary>How a swarm run's process ended.</summary>
public enum RunVerdictKind
{
    /// <summary>Every check held (exit 0).</summary>
    Passed,

    /// <summary>The run finished but an invariant broke (exit 1).</summary>
    ChecksFailed,

    /// <summary>The persistence store failed mid-run (exit 4): no verdict on the devices.</summary>
    StoreFailed,

    /// <summary>The process died, timed out, or ended without its JSON summary.</summary>
    Crashed,
}

/// <summary>The verdict on one run: how it ended and, when checks failed, which invariants broke.</summary>
/// <param name="Kind">How it ended.</param>
/// <param name="Invariants">The invariants that broke, in a fixed order (empty unless <see cref="RunVerdictKind.ChecksFailed"/>).</param>
/// <param name="Detail">For a crash: the exit code and the last line of stderr.</param>
public sealed record RunVerdict(RunVerdictKind Kind, IReadOnlyList<string> Invariants, string Detail = "")
{
    /// <summary>A run that passed.</summary>
    public static readonly RunVerdict Passed = new(RunVerdictKind.Passed, []);

    /// <summary>The exit code of <c>virtsim run</c> when the checks failed.</summary>
    public const int ChecksFailedExit = 1;

    /// <summary>The exit code of <c>virtsim run</c> when the store failed.</summary>
    public const int StoreFailedExit = 4;

    /// <summary>True unless the run passed.</summary>
    public bool Failed => Kind != RunVerdictKind.Passed;

    /// <summary>The verdict as one word for the table: passed, store-failed, crashed, or the invariants broken.</summary>
    public string Name => Kind switch
    {
        RunVerdictKind.Passed => "passed",
        RunVerdictKind.StoreFailed => "store-failed",
        RunVerdictKind.Crashed => "crashed",
        _ => "checks-failed: " + (Invariants.Count == 0 ? "unknown" : string.Join(", ", Invariants)),
    };

    /// <summary>
    /// True when <paramref name="other"/> is the same failure as this one, as the shrinker keeps a change: the same
    /// kind and, for failed checks, the first invariant this one broke still broken.
    /// </summary>
    public bool SameFailureAs(RunVerdict other) =>
        Failed && other.Kind == Kind && (Invariants.Count == 0 || other.Invariants.Contains(Invariants[0]));

    /// <summary>
    /// Reads the verdict of a <c>virtsim run --json</c> process from its exit code and stdout (the JSON summary is
    /// its last line); <paramref name="stderrTail"/> explains a crash.
    /// </summary>
    public static RunVerdict FromProcess(int exitCode, string stdout, string stderrTail)
    {
        var summary = LastJsonLine(stdout);
        if (summary is null || exitCode is not (0 or ChecksFailedExit or StoreFailedExit))
            return new RunVerdict(RunVerdictKind.Crashed, [], $"exit {exitCode}{(summary is null ? ", no JSON summary" : "")}: {stderrTail}".TrimEnd(' ', ':'));
        try
        {
            using var doc = JsonDocument.Parse(summary);
            var r = doc.RootElement;
            string outcome = r.GetProperty("outcome").GetString() ?? "";
            return outcome switch
            {
                "passed" when exitCode == 0 => Passed,
                "store-failed" when exitCode == StoreFailedExit => new RunVerdict(RunVerdictKind.StoreFailed, []),
                "checks-failed" when exitCode == ChecksFailedExit => new RunVerdict(RunVerdictKind.ChecksFailed, Broken(r)),
                _ => new RunVerdict(RunVerdictKind.Crashed, [], $"exit {exitCode} with outcome '{outcome}'"),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new RunVerdict(RunVerdictKind.Crashed, [], $"exit {exitCode}, unreadable JSON summary: {e.Message}");
        }
    }

    // The invariants the summary shows broken, by name and in its order (RunReport.Invariants); a run that did not
    // complete with every invariant held (it hit max-virtual-time) is "completed".
    private static List<string> Broken(JsonElement r)
    {
        var broken = new List<string>();
        if (r.TryGetProperty("invariants", out var invariants) && invariants.ValueKind == JsonValueKind.Array)
            foreach (var i in invariants.EnumerateArray())
                if (i.TryGetProperty("held", out var held) && held.ValueKind == JsonValueKind.False && i.GetProperty("name").GetString() is { } name)
                    broken.Add(name);
        if (broken.Count == 0 && r.TryGetProperty("completed", out var c) && c.ValueKind == JsonValueKind.False) broken.Add("completed");
        return broken;
    }

    private static string? LastJsonLine(string stdout) =>
        stdout.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{') && l.EndsWith('}'));
}
