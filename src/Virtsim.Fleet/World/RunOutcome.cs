namespace Virtsim.Fleet.World;

/// <summary>How a run ended (<see cref="RunReport.Outcome"/>).</summary>
public enum RunOutcome : byte
{
    /// <summary>The run completed and every check held.</summary>
    Passed,

    /// <summary>The run did not complete, or a check failed (lost, duplicated or corrupted requests, acknowledged writes lost).</summary>
    ChecksFailed,

    /// <summary>
    /// The persistence store failed (a journal write or a recovery): the devices could no longer survive a crash, so the
    /// run stopped there. Its other figures are not a verdict on the simulated devices.
    /// </summary>
    StoreFailed,
}
