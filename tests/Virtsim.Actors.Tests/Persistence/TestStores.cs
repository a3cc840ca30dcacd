using Virtsim.Persistence;
using Virtsim.Persistence.Memory;
using Virtsim.Persistence.PostgreSql;
using Virtsim.Persistence.Sqlite;
using Virtsim.Persistence.Testing;

namespace Virtsim.Actors.Tests.Persistence;

/// <summary>
/// A journal and a snapshot store of one kind for one test: memory, SQLite on a temporary file, or a schema of
/// its own on the shared throwaway PostgreSQL server. <see cref="ReopenAsync"/> is what a process restart does
/// (memory: nothing to reopen).
/// </summary>
public abstract class TestStores : IAsyncDisposable
{
    public abstract IJournal Journal { get; }
    public abstract ISnapshotStore Snapshots { get; }

    /// <summary>Closes and reopens the stores over the same data.</summary>
    public abstract Task ReopenAsync();

    /// <summary>Flips a bit of a stored event's payload behind the journal's back.</summary>
    public abstract Task CorruptEventAsync(string persistenceId, long sequenceNr);

    public abstract ValueTask DisposeAsync();
}

public sealed class MemoryStores : TestStores
{
    public override IJournal Journal { get; } = new MemoryJournal();
    public override ISnapshotStore Snapshots { get; } = new MemorySnapshotStore();
    public override Task ReopenAsync() => Task.CompletedTask;
    public override Task CorruptEventAsync(string persistenceId, long sequenceNr) =>
        throw new NotSupportedException("The memory journal's rows are not reachable from here.");
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class SqliteStores : TestStores
{
    private readonly SqliteTestFile _file;
    private IJournal _journal = null!;
    private ISnapshotStore _snapshots = null!;

    private SqliteStores(SqliteTestFile file)
    {
        _file = file;
        OpenStores();
    }

    public string FilePath => _file.FilePath;
    public override IJournal Journal => _journal;
    public override ISnapshotStore Snapshots => _snapshots;

    public static async Task<SqliteStores> CreateAsync() => new(await SqliteTestFile.CreateAsync("actors.db"));

    public override async Task ReopenAsync()
    {
        await _file.ReopenAsync();
        OpenStores();
    }

    public override Task CorruptEventAsync(string persistenceId, long sequenceNr)
    {
        Assert.Equal(1, _file.CorruptPayload("journal_event", persistenceId, sequenceNr));
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync() => _file.DisposeAsync();

    private void OpenStores()
    {
        _journal = new SqliteJournal(_file.Database);
        _snapshots = new SqliteSnapshotStore(_file.Database);
    }
}

public sealed class PostgresStores : TestStores
{
    private readonly PostgresTestSchema _schema;
    private IJournal _journal = null!;
    private ISnapshotStore _snapshots = null!;

    private PostgresStores(PostgresTestSchema schema)
    {
        _schema = schema;
        OpenStores();
    }

    public override IJournal Journal => _journal;
    public override ISnapshotStore Snapshots => _snapshots;

    public static async Task<PostgresStores> CreateAsync(PostgresTestCluster cluster) => new(await PostgresTestSchema.CreateAsync(cluster, "a_"));

    public override async Task ReopenAsync()
    {
        await _schema.ReopenAsync();
        OpenStores();
    }

    public override async Task CorruptEventAsync(string persistenceId, long sequenceNr) =>
        Assert.Equal(1, await _schema.CorruptPayloadAsync("journal_event", persistenceId, sequenceNr));

    public override ValueTask DisposeAsync() => _schema.DisposeAsync();

    private void OpenStores()
    {
        _journal = new PostgreSqlJournal(_schema.Database);
        _snapshots = new PostgreSqlSnapshotStore(_schema.Database);
    }
}
