using Virtsim.Persistence;
using Virtsim.Persistence.Memory;

namespace Virtsim.Persistence.Tests;

/// <summary>The in-memory stores; a "restart" keeps the same instances (there is nothing to reopen).</summary>
public sealed class MemoryHarness : StoreHarness
{
    private readonly MemoryJournal _journal = new();
    private readonly MemorySnapshotStore _snapshots = new();

    /// <inheritdoc />
    public override IJournal Journal => _journal;

    /// <inheritdoc />
    public override ISnapshotStore Snapshots => _snapshots;

    /// <inheritdoc />
    public override int? SchemaVersion => null;

    /// <inheritdoc />
    public override int? LatestSchemaVersion => null;

    /// <inheritdoc />
    public override Task RestartAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public override Task CorruptEventAsync(string persistenceId, long sequenceNr)
    {
        _journal.CorruptPayload(persistenceId, sequenceNr);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override Task CorruptSnapshotAsync(string persistenceId, long sequenceNr)
    {
        _snapshots.CorruptPayload(persistenceId, sequenceNr);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
