using Virtsim.Persistence.Configuration;
using Virtsim.Persistence.Sqlite;

namespace Virtsim.Persistence.Tests.Configuration;

public class PersistenceStoreFactoryTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static async Task WriteAndReadBack(PersistenceStores stores, string id)
    {
        await stores.Journal.AppendAsync(new AppendRequest(id, 1, [new EventToAppend(1, "m", new byte[] { 1, 2, 3 }), new EventToAppend(2, "m", new byte[] { 4 })]));
        await stores.Snapshots.SaveAsync(new Snapshot(new SnapshotMetadata(id, 2, At), "s", new byte[] { 9 }));
        var events = await stores.Journal.ReadBatchAsync(id, 1, long.MaxValue, 100);
        Assert.Equal([1L, 2L], events.Select(e => e.SequenceNr));
        Assert.Equal([1, 2, 3], events[0].Payload.ToArray());
        var snapshot = await stores.Snapshots.LoadLatestAsync(id, SnapshotCriteria.Any);
        Assert.Equal(2, snapshot!.Metadata.SequenceNr);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Memory_opens_a_working_journal_and_snapshot_store(bool batching)
    {
        var settings = PersistenceSettings.Reference with { Plugin = PersistencePlugin.Memory, Batching = batching };
        await using var stores = await PersistenceStoreFactory.OpenAsync(settings);
        Assert.Equal(PersistencePlugin.Memory, stores.Plugin);
        Assert.Equal(batching, stores.Journal is BatchingJournal);
        await WriteAndReadBack(stores, "pid-1");
    }

    [Fact]
    public async Task Sqlite_creates_the_folder_and_the_data_survives_reopening()
    {
        string folder = Path.Combine(Path.GetTempPath(), "virtsim-factory-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var settings = PersistenceSettings.Reference with { SqlitePath = Path.Combine(folder, "nested", "node.db") };
            await using (var stores = await PersistenceStoreFactory.OpenAsync(settings))
            {
                Assert.Equal(PersistencePlugin.Sqlite, stores.Plugin);
                Assert.IsType<BatchingJournal>(stores.Journal);
                await WriteAndReadBack(stores, "pid-2");
            }
            Assert.True(File.Exists(settings.SqlitePath));
            await using (var reopened = await PersistenceStoreFactory.OpenAsync(settings with { Batching = false }))
            {
                Assert.IsType<SqliteJournal>(reopened.Journal);
                Assert.Equal(2, await reopened.Journal.ReadHighestSequenceNrAsync("pid-2"));
                Assert.NotNull(await reopened.Snapshots.LoadLatestAsync("pid-2", SnapshotCriteria.Any));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        }
    }
}
