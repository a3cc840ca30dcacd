namespace Virtsim.Fleet.Metrics;

/// <summary>
/// A journal or snapshot store call that failed under a persistent actor of the world (a device's journal or a blk
/// backend): the actor stopped, and with it the guarantee that the device survives a crash. The run ends there.
/// </summary>
/// <param name="PersistenceId">The actor's persistence id (run prefix, "device/" or "backend/", "host/vm/device").</param>
/// <param name="Phase">"recovery" or "persist".</param>
/// <param name="SequenceNr">The event being read or the first one being written.</param>
/// <param name="Error">The store's own error message (e.g. SQLite's "database is locked").</param>
/// <param name="At">Virtual time of the failure.</param>
public sealed record StoreFailure(string PersistenceId, string Phase, long SequenceNr, string Error, TimeSpan At)
{
    /// <summary>The failure Akka.Persistence reported to a persistent actor at virtual time <paramref name="at"/>.</summary>
    public static StoreFailure Of(string persistenceId, string phase, long sequenceNr, Exception cause, TimeSpan at)
    {
        ArgumentNullException.ThrowIfNull(cause);
        return new(persistenceId, phase, sequenceNr, cause.GetBaseException().Message, at);
    }

    /// <summary>One line for people: id, phase, sequence number and the store's error.</summary>
    public override string ToString() => $"{PersistenceId}: {Phase} failed at sequence nr {SequenceNr}: {Error}";
}
