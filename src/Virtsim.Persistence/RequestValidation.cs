namespace Virtsim.Persistence;

/// <summary>Checks the shape of append requests and snapshots before any store touches its data.</summary>
internal static class RequestValidation
{
    /// <summary>Throws <see cref="ArgumentException"/> unless the request is well formed.</summary>
    public static void Validate(AppendRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateId(request.PersistenceId);
        ValidateEpoch(request.Epoch);
        if (request.Events is null || request.Events.Count == 0)
        {
            throw new ArgumentException($"Append for '{request.PersistenceId}' has no events.", nameof(request));
        }

        long expected = request.Events[0].SequenceNr;
        if (expected < 1)
        {
            throw new ArgumentException($"Append for '{request.PersistenceId}' starts at sequence nr {expected}; sequence numbers start at 1.", nameof(request));
        }

        foreach (EventToAppend e in request.Events)
        {
            if (e.SequenceNr != expected)
            {
                throw new ArgumentException($"Append for '{request.PersistenceId}' is not contiguous: expected sequence nr {expected}, found {e.SequenceNr}.", nameof(request));
            }

            if (e.Manifest is null)
            {
                throw new ArgumentException($"Event {e.SequenceNr} of '{request.PersistenceId}' has no manifest.", nameof(request));
            }

            expected++;
        }
    }

    /// <summary>Validates every request of a batch.</summary>
    public static void Validate(IReadOnlyList<AppendRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        foreach (AppendRequest r in requests)
        {
            Validate(r);
        }
    }

    /// <summary>Throws unless the snapshot has a persistence id and a manifest.</summary>
    public static void Validate(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(snapshot.Metadata);
        ValidateId(snapshot.Metadata.PersistenceId);
        if (snapshot.Manifest is null)
        {
            throw new ArgumentException($"Snapshot {snapshot.Metadata.SequenceNr} of '{snapshot.Metadata.PersistenceId}' has no manifest.", nameof(snapshot));
        }
    }

    /// <summary>Throws unless the persistence id is a non-empty string.</summary>
    public static void ValidateId(string persistenceId)
    {
        if (string.IsNullOrEmpty(persistenceId))
        {
            throw new ArgumentException("The persistence id must not be empty.", nameof(persistenceId));
        }
    }

    /// <summary>Throws unless the epoch is non-negative.</summary>
    public static void ValidateEpoch(long epoch)
    {
        if (epoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "Epochs are non-negative.");
        }
    }
}
