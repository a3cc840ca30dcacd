using Virtsim.Persistence;
using Virtsim.Persistence.Sqlite;
using Virtsim.Persistence.Testing;

namespace Virtsim.Persistence.Tests;

/// <summary>The SQLite stores on a fresh temporary file; a restart closes and reopens the file.</summary>
public sealed class SqliteHarness : StoreHarness
{
    private readonly SqliteTestFile _file;
    private SqliteJournal _journal = null!;
    private SqliteSnapshotStore _snapshots = null!;

    private SqliteHarness(SqliteTestFile file)
    {
        _file = file;
        OpenStores();
    }

    /// <summary>The database file.</summary>
    public string FilePath => _file.FilePath;

    /// <inheritdoc />
    public override IJournal Journal => _journal;

    /// <inheritdoc />
    public override ISnapshotStore Snapshots => _snapshots;

    /// <inheritdoc />
    public override int? SchemaVersion => _file.Database.SchemaVersion;

    /// <inheritdoc />
    public override int? LatestSchemaVersion => SqliteSchema.LatestVersion;

    /// <summary>The open database.</summary>
    public SqliteDatabase Database => _file.Database;

    /// <summary>Creates the harness on a new temporary file.</summary>
    public static async Task<SqliteHarness> CreateAsync() => new(await SqliteTestFile.CreateAsync());

    /// <inheritdoc />
    public override async Task RestartAsync()
    {
        await _file.ReopenAsync();
        OpenStores();
    }

    /// <inheritdoc />
    public override Task CorruptEventAsync(string persistenceId, long sequenceNr) => Flip("journal_event", persistenceId, sequenceNr);

    /// <inheritdoc />
    public override Task CorruptSnapshotAsync(string persistenceId, long sequenceNr) => Flip("snapshot", persistenceId, sequenceNr);

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => _file.DisposeAsync();

    private void OpenStores()
    {
        _journal = new SqliteJournal(_file.Database);
        _snapshots = new SqliteSnapshotStore(_file.Database);
    }

    private Task Flip(string table, string persistenceId, long sequenceNr)
    {
        Assert.Equal(1, _file.CorruptPayload(table, persistenceId, sequenceNr));
        return Task.CompletedTask;
    }
}
