using Akka.Persistence;

namespace Virtsim.Simulation.Persistence;

/// <summary>
/// The events and snapshots of a simulation's persistent actors, in memory, owned by the simulator: they survive
/// actor crashes and restarts (and actor systems rebuilt in the same simulator), as a durable store would. Events
/// are kept as the objects persisted; the simulation thread alone touches them. <see cref="Fault"/> lets a test or
/// a fault plan make any operation fail, as a locked or corrupted database would.
/// </summary>
public sealed class SimulationStore
{
    private readonly Dictionary<string, Stream> _streams = new(StringComparer.Ordinal);

    /// <summary>
    /// Decides, for each operation on a persistence id, whether it fails and with what exception (null: it succeeds).
    /// </summary>
    public Func<StoreOperation, string, Exception?>? Fault { get; set; }

    /// <summary>Persistence ids with anything stored.</summary>
    public IEnumerable<string> PersistenceIds => _streams.Keys;

    /// <summary>The highest sequence number ever written for <paramref name="persistenceId"/> (0 for none).</summary>
    public long HighestSequenceNr(string persistenceId) => _streams.TryGetValue(persistenceId, out var s) ? s.Highest : 0;

    /// <summary>The events of <paramref name="persistenceId"/> not deleted, in order.</summary>
    public IReadOnlyList<IPersistentRepresentation> Events(string persistenceId) =>
        _streams.TryGetValue(persistenceId, out var s) ? s.Events.Where(e => e.SequenceNr > s.DeletedTo).ToList() : [];

    /// <summary>The snapshots of <paramref name="persistenceId"/>, oldest first.</summary>
    public IReadOnlyList<SelectedSnapshot> Snapshots(string persistenceId) =>
        _streams.TryGetValue(persistenceId, out var s) ? s.Snapshots.ToList() : [];

    internal Exception? FaultFor(StoreOperation operation, string persistenceId) => Fault?.Invoke(operation, persistenceId);

    internal Stream For(string persistenceId)
    {
        if (!_streams.TryGetValue(persistenceId, out var s)) _streams[persistenceId] = s = new Stream();
        return s;
    }

    internal sealed class Stream
    {
        public List<IPersistentRepresentation> Events { get; } = new();
        public List<SelectedSnapshot> Snapshots { get; } = new();
        public long Highest { get; set; }
        public long DeletedTo { get; set; }
    }
}
