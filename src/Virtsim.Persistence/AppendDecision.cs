namespace Virtsim.Persistence;

/// <summary>
/// The one rule every store applies to an append, given what it has stored for the persistence id:
/// fencing first, then uniqueness, then contiguity.
/// </summary>
internal static class AppendDecision
{
    /// <summary>Status codes shared with the PostgreSQL functions.</summary>
    public const int Accepted = 0, Conflict = 1, Fenced = 2, Gap = 3;

    /// <summary>Decides on an append starting at <paramref name="firstSequenceNr"/> by <paramref name="epoch"/>.</summary>
    public static int Decide(long epoch, long firstSequenceNr, long currentEpoch, long highestSequenceNr) =>
        epoch < currentEpoch ? Fenced
        : firstSequenceNr <= highestSequenceNr ? Conflict
        : firstSequenceNr > highestSequenceNr + 1 ? Gap
        : Accepted;

    /// <summary>The typed exception for a refused status, or null when accepted.</summary>
    public static Exception? ToException(int status, AppendRequest request, long currentEpoch, long highestSequenceNr) => status switch
    {
        Accepted => null,
        Conflict => new JournalConflictException(request.PersistenceId, request.FirstSequenceNr, highestSequenceNr),
        Fenced => new FencedWriterException(request.PersistenceId, request.Epoch, currentEpoch),
        Gap => new JournalSequenceGapException(request.PersistenceId, request.FirstSequenceNr, highestSequenceNr),
        _ => throw new InvalidOperationException($"Unknown append status {status}."),
    };

    /// <summary>Throws the first refusal of a one-request batch.</summary>
    public static void ThrowIfRefused(IReadOnlyList<Exception?> outcomes)
    {
        if (outcomes[0] is { } e)
        {
            throw e;
        }
    }
}
