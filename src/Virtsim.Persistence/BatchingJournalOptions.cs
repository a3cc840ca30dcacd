namespace Virtsim.Persistence;

/// <summary>Limits of one group commit of <see cref="BatchingJournal"/>.</summary>
public sealed record BatchingJournalOptions
{
    /// <summary>Most append requests written in one transaction (default 1000).</summary>
    public int MaxRequestsPerBatch { get; init; } = 1000;

    /// <summary>Most events written in one transaction (default 20000); a single larger request still goes alone.</summary>
    public int MaxEventsPerBatch { get; init; } = 20_000;
}
