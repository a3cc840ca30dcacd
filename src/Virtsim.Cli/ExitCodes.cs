namespace Virtsim.Cli;

/// <summary>The exit codes of <c>virtsim</c>.</summary>
public static class ExitCodes
{
    /// <summary>The run completed and every check held.</summary>
    public const int Ok = 0;

    /// <summary>The run finished but a check failed (lost, duplicated or corrupted requests, or it did not complete).</summary>
    public const int ChecksFailed = 1;

    /// <summary>The command line, or the scenario or configuration file, is invalid (or the file could not be read).</summary>
    public const int BadScenario = 2;

    /// <summary>
    /// A command-line mistake: unknown command or option, a missing or malformed value, a value out of range. The
    /// message is on stderr. Same value as <see cref="BadScenario"/>: both are bad input from the user.
    /// </summary>
    public const int UsageError = 2;

    /// <summary>A real peer failed: it could not be reached, broke the vhost-user protocol or a ring, or stopped answering.</summary>
    public const int PeerFailed = 3;

    /// <summary><c>run</c>: the persistence store failed mid-run (a journal write or a recovery); the run stopped there.</summary>
    public const int StoreFailed = 4;

    /// <summary><c>run --report</c>: the run finished but its HTML report could not be written (the summary was printed).</summary>
    public const int ReportFailed = 6;

    /// <summary>
    /// <c>node</c> and <c>cluster</c>: a cluster node could not start (port in use, no seed admitted it in time, a
    /// store or certificate that cannot be used), the cluster downed it, or no node answered a cluster command.
    /// </summary>
    public const int ClusterFailed = 5;

    /// <summary>
    /// A defect of Virtsim itself: an exception no command expected. One line on stderr names it (no stack trace);
    /// the value is sysexits' EX_SOFTWARE.
    /// </summary>
    public const int InternalError = 70;
}
