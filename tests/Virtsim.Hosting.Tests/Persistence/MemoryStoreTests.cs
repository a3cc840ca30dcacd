using Akka.Actor;
using Virtsim.Hosting.Persistence;

namespace Virtsim.Hosting.Tests.Persistence;

public sealed class MemoryStoreTests
{
    [Fact]
    public async Task A_restarted_actor_recovers_its_events_and_snapshot_from_memory_and_nothing_touches_the_disk()
    {
        // The SQLite path points at a folder that must stay absent: the in-memory store opens no file.
        string folder = Path.Combine(Path.GetTempPath(), "virtsim-never-" + Guid.NewGuid().ToString("N")[..12]);
        var settings = PersistenceSettings.Reference with
        {
            Plugin = PersistencePlugin.Memory,
            Sqlite = PersistenceSettings.Reference.Sqlite with { Path = Path.Combine(folder, "store.db") },
        };
        await using var node = await TestNode.StartAsync(settings);
        var log = node.EventLog("mem-1");
        node.Ask<Written>(log, new Write("a", 10));
        node.Ask<SnapshotSaved>(log, new TakeSnapshot());
        node.Ask<Written>(log, new Write("b", 5));
        node.Kit.Watch(log);
        log.Tell(PoisonPill.Instance);
        node.Kit.ExpectTerminated(log, TestNode.Timeout);

        var state = node.Ask<LogState>(node.EventLog("mem-1"), new GetState());
        Assert.Equal(10, state.SnapshotSequenceNr);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"a-{i}").Concat(Enumerable.Range(1, 5).Select(i => $"b-{i}")), state.Events);
        Assert.False(Directory.Exists(folder));
    }
}
