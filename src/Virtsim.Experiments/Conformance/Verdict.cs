namespace Virtsim.Experiments.Conformance;

/// <summary>What a peer did with one violation, decided from its observed behaviour.</summary>
public enum Verdict
{
    /// <summary>It noticed: a clean error (a failed request status, a refused request), the connection closed with a reason, or DEVICE_NEEDS_RESET.</summary>
    Rejected,
    /// <summary>It kept working and the data of a sane follow-up was still right.</summary>
    Tolerated,
    /// <summary>It kept working but passed on wrong data (silent corruption): worse than tolerating.</summary>
    Corrupted,
    /// <summary>It stopped serving: no progress within the bound, and a sane follow-up failed too.</summary>
    Wedged,
    /// <summary>The peer's process died.</summary>
    Crashed,
    /// <summary>The case could not be judged: the peer did not work before the violation (setup or baseline failed).</summary>
    Error,
}

/// <summary>Names of verdicts as printed.</summary>
public static class VerdictNames
{
    /// <summary>The upper-case name (REJECTED, TOLERATED, ...).</summary>
    public static string Name(this Verdict verdict) => verdict.ToString().ToUpperInvariant();
}
