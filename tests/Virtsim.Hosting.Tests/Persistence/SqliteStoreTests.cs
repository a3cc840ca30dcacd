using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Tests.Persistence;

public sealed class SqliteStoreTests : IDisposable
{
    private readonly SqliteTestFolder _folder = new();

    private PersistenceSettings Settings(string file = "store.db") => PersistenceSettings.Reference with
    {
        Plugin = PersistencePlugin.Sqlite,
        Sqlite = PersistenceSettings.Reference.Sqlite with { Path = Path.Combine(_folder.Path, file) },
    };

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Events_persisted_by_one_system_are_recovered_by_a_fresh_one()
    {
        var settings = Settings();
        await using (var first = await TestNode.StartAsync(settings))
        {
            var log = first.EventLog("log-1");
            Assert.Equal(50, first.Ask<Written>(log, new Write("a", 50)).SequenceNr);
        }
        await using var second = await TestNode.StartAsync(settings);
        var state = second.Ask<LogState>(second.EventLog("log-1"), new GetState());
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"a-{i}"), state.Events);
        Assert.Equal(50, state.LastSequenceNr);
    }
}
