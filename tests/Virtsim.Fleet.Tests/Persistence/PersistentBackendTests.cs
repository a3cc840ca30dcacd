using System.Buffers.Binary;
using Virtsim.Actors.Actors;
using Virtsim.Actors.Dispatch;
using Virtsim.Actors.Hosting;
using Virtsim.Actors.Persistence;
using Virtsim.Fleet.Backends;
using Virtsim.Fleet.Messages.Backend;
using Virtsim.Fleet.Metrics;
using Virtsim.Fleet.Persistence;
using Virtsim.Fleet.Vendors;
using Virtsim.Persistence;
using Virtsim.Virtio.Devices.Blk;

namespace Virtsim.Fleet.Tests.Persistence;

/// <summary>The persistent blk backend alone, under a parent that stands in for its device actor.</summary>
public class PersistentBackendTests
{
    private const string Id = "backend/h/vm/blk0";
    private const ulong Version1 = 1UL << 32;

    private static BackendRequest Write(ulong tag, ulong sector, byte fill)
    {
        var readable = new byte[16 + 512];
        BinaryPrimitives.WriteUInt32LittleEndian(readable, BlkRequestType.Out);
        BinaryPrimitives.WriteUInt64LittleEndian(readable.AsSpan(8), sector);
        readable.AsSpan(16).Fill(fill);
        return new BackendRequest(tag, 0, Version1, 0, false, 1, readable);
    }

    private static BackendRequest Read(ulong tag, ulong sector)
    {
        var readable = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(readable, BlkRequestType.In);
        BinaryPrimitives.WriteUInt64LittleEndian(readable.AsSpan(8), sector);
        return new BackendRequest(tag, 0, Version1, 0, false, 512 + 1, readable);
    }

    // Forwards requests to its backend child and logs what comes back, with the journal's highest sequence number at
    // that moment (the memory journal answers at once).
    private sealed class Device : ReceiveActor
    {
        public Device(Props backendProps, IJournal journal, List<(object Message, long JournalHighest)> log)
        {
            var backend = Context.ActorOf(backendProps, "backend");
            Receive<BackendRequest>(r => backend.Tell(r, Self));
            Receive<CrashBackend>(c => backend.Tell(c, Self));
            Receive<BackendReply>(r => log.Add((r, journal.ReadHighestSequenceNrAsync(Id).GetAwaiter().GetResult())));
            Receive<BackendRestarted>(r => log.Add((r, -1)));
        }
    }

    [Fact]
    public void A_write_is_in_the_journal_before_its_reply_and_a_lost_disk_comes_back_from_the_journal()
    {
        var persistence = FleetPersistence.InMemory(new PersistentActorOptions { SimulatedStoreLatency = TimeSpan.FromMicroseconds(3) });
        var disk = new MemoryBlockStore(64);
        var profile = VendorProfiles.Find("qemu-emu")!;
        var props = Props.Create(() => new PersistentBackendActor(Id, persistence.Setup(), profile.Backend, profile.Timing, disk, new BlkDeviceOptions(), new FleetMetrics()));
        var log = new List<(object Message, long JournalHighest)>();
        var sim = new SimulationDispatcher(1);
        using var system = ActorSystem.Create("t", new ActorSystemOptions { Dispatcher = sim, Seed = 1 });
        var device = system.ActorOf(Props.Create(() => new Device(props, persistence.Journal, log)), "device");

        device.Tell(Write(1, 5, 0xAB), null);
        device.Tell(Write(2, 6, 0xCD), null);
        Assert.True(sim.RunUntil(() => log.Count == 2, TimeSpan.FromSeconds(1)));
        // Each reply came after its write was journaled.
        Assert.True(log[0].JournalHighest >= 1 && log[1].JournalHighest >= 2, string.Join(",", log.Select(l => l.JournalHighest)));
        Assert.All(log, l => Assert.Equal(BlkStatus.Ok, ((BackendReply)l.Message).Writable[^1]));

        // The disk object loses everything (as if the backend's memory were gone), then the backend crashes: the new
        // incarnation rebuilds the disk from the journal, not from the object.
        DiskImage.Wipe(disk);
        device.Tell(new CrashBackend("test"), null);
        device.Tell(Read(3, 5), null);
        Assert.True(sim.RunUntil(() => log.Count == 4, TimeSpan.FromSeconds(1)));
        Assert.IsType<BackendRestarted>(log[2].Message);
        var read = (BackendReply)log[3].Message;
        Assert.Equal(BlkStatus.Ok, read.Writable[^1]);
        Assert.All(read.Writable[..512], b => Assert.Equal(0xAB, b));
        var sector = new byte[512];
        Assert.True(disk.TryReadDurable(6, sector));
        Assert.All(sector, b => Assert.Equal(0xCD, b));
    }

    // A journal whose appends all fail: nothing a backend journals ever becomes durable.
    private sealed class RefusingJournal(IJournal inner) : IJournal
    {
        public Task AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) =>
            Task.FromException(new IOException("disk full"));
        public Task<IReadOnlyList<Exception?>> AppendBatchAsync(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken = default) =>
            Task.FromException<IReadOnlyList<Exception?>>(new IOException("disk full"));
        public Task<long> ClaimAsync(string persistenceId, long epoch, CancellationToken cancellationToken = default) => inner.ClaimAsync(persistenceId, epoch, cancellationToken);
        public IAsyncEnumerable<PersistedEvent> ReadAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, CancellationToken cancellationToken = default) =>
            inner.ReadAsync(persistenceId, fromSequenceNr, toSequenceNr, cancellationToken);
        public Task<IReadOnlyList<PersistedEvent>> ReadBatchAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, int maxCount, CancellationToken cancellationToken = default) =>
            inner.ReadBatchAsync(persistenceId, fromSequenceNr, toSequenceNr, maxCount, cancellationToken);
        public Task<long> ReadHighestSequenceNrAsync(string persistenceId, CancellationToken cancellationToken = default) => inner.ReadHighestSequenceNrAsync(persistenceId, cancellationToken);
        public Task DeleteUpToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) => inner.DeleteUpToAsync(persistenceId, toSequenceNr, cancellationToken);
    }

    [Fact]
    public void A_write_that_cannot_be_journaled_is_neither_applied_nor_answered()
    {
        var persistence = new FleetPersistence(new RefusingJournal(new Virtsim.Persistence.Memory.MemoryJournal()), new Virtsim.Persistence.Memory.MemorySnapshotStore());
        var disk = new MemoryBlockStore(64);
        var profile = VendorProfiles.Find("qemu-emu")!;
        var props = Props.Create(() => new PersistentBackendActor(Id, persistence.Setup(), profile.Backend, profile.Timing, disk, new BlkDeviceOptions(), new FleetMetrics()));
        var log = new List<(object Message, long JournalHighest)>();
        var sim = new SimulationDispatcher(2);
        using var system = ActorSystem.Create("t", new ActorSystemOptions { Dispatcher = sim, Seed = 2 });
        var device = system.ActorOf(Props.Create(() => new Device(props, persistence.Journal, log)), "device");

        device.Tell(Write(1, 5, 0xAB), null);
        sim.RunUntil(() => log.Count > 0, TimeSpan.FromMilliseconds(10));
        Assert.Empty(log);                        // no reply: the device would never complete the chain
        Assert.Equal(0, disk.DurableSectorCount); // and the disk never saw the write
    }
}
